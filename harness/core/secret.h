// Secret: an API key held in memory only. It has no to_json, no operator<<, no implicit string
// conversion; the one way out is Reveal(), which only the HTTP transport calls when it sets
// headers. A key leaking into a journal or report therefore fails to compile or shows in review.
// Plain value type; not synchronised.
#pragma once

#include <string>
#include <string_view>

namespace taskcost {

class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}
  Secret(const Secret&) = default;
  Secret& operator=(const Secret&) = default;
  ~Secret() { Wipe(); }

  bool empty() const { return value_.empty(); }
  /// For the transport only, when it builds the request headers.
  std::string_view RevealForTransport() const { return value_; }

 private:
  void Wipe() {
    volatile char* p = value_.data();
    for (size_t i = 0; i < value_.size(); ++i) p[i] = 0;
  }
  std::string value_;
};

}  // namespace taskcost
