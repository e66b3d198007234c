#include "harness/mock/wire.h"

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

std::string Dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

}  // namespace taskcost::mock
