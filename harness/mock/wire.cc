#include "harness/mock/wire.h"

#include <cstdio>
#include <ctime>

namespace taskcost::mock {

std::string ContentText(const Json& content) {
  if (content.is_string()) return content.get<std::string>();
  std::string out;
  if (!content.is_array()) return out;
  for (const Json& block : content) {
    if (!block.is_object()) continue;
    auto text = block.find("text");
    if (text != block.end() && text->is_string()) AppendLine(out, text->get<std::string>());
  }
  return out;
}

void AppendLine(std::string& to, const std::string& text) {
  if (text.empty()) return;
  if (!to.empty()) to += '\n';
  to += text;
}

int64_t CountChars(std::string_view utf8) {
  int64_t n = 0;
  for (char c : utf8) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;  // skip continuation bytes
  }
  return n;
}

std::string Base62(uint64_t bits, int n) {
  static constexpr char kDigits[] =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::string out;
  out.reserve(static_cast<size_t>(n));
  uint64_t x = bits;
  for (int i = 0; i < n; ++i) {
    if (i % 10 == 0) x = Mix64(bits + static_cast<uint64_t>(i));
    out += kDigits[x % 62];
    x /= 62;
  }
  return out;
}

std::string GoDuration(int64_t millis) {
  if (millis <= 0) return "0s";
  if (millis < 1000) return std::to_string(millis) + "ms";
  const int64_t hours = millis / 3'600'000;
  const int64_t minutes = millis / 60'000 % 60;
  const int64_t second_ms = millis % 60'000;
  std::string seconds = std::to_string(second_ms / 1000);
  if (second_ms % 1000 != 0) {
    char fraction[8];
    std::snprintf(fraction, sizeof fraction, ".%03d", static_cast<int>(second_ms % 1000));
    seconds += fraction;
    while (seconds.back() == '0') seconds.pop_back();
  }
  std::string out;
  if (hours > 0) out += std::to_string(hours) + "h";
  if (hours > 0 || minutes > 0) out += std::to_string(minutes) + "m";
  return out + seconds + "s";
}

std::string Rfc3339(int64_t unix_millis) {
  const std::time_t seconds = static_cast<std::time_t>(unix_millis / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char when[40];
  const size_t n = std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &utc);
  std::snprintf(when + n, sizeof when - n, ".%03dZ", static_cast<int>(unix_millis % 1000));
  return when;
}

std::string Dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

}  // namespace taskcost::mock
