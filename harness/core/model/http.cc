#include "harness/core/model/http.h"

#include <algorithm>
#include <cctype>

namespace taskcost {

void RedactSecrets(HttpResponse& response, bool cut_off) {
  RedactSecrets(response.body, cut_off);
  for (HttpHeader& h : response.headers) {
    RedactSecrets(h.name);
    RedactSecrets(h.value);
  }
  RedactSecrets(response.failure_message);
}

std::optional<std::string_view> FindHeader(const std::vector<HttpHeader>& headers,
                                           std::string_view name) {
  for (const HttpHeader& h : headers) {
    if (h.name.size() == name.size() &&
        std::equal(h.name.begin(), h.name.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return std::string_view(h.value);
    }
  }
  return std::nullopt;
}

}  // namespace taskcost
