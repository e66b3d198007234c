#include "harness/core/formats/json_writer.h"

#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <nlohmann/json.hpp>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "harness/core/formats/utf8.h"

namespace taskcost {
namespace {

// The bytes a JSON string holds as they are: ASCII from 0x20 up, but for '"' and '\\'.
constexpr std::array<bool, 256> kPlain = [] {
  std::array<bool, 256> plain{};
  for (int c = 0x20; c < 0x80; ++c) plain[c] = c != '"' && c != '\\';
  return plain;
}();

// Appends the escape of a byte JSON does not allow as is in a string: '"', '\\', below 0x20.
void AppendEscaped(std::string& out, char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  switch (c) {
    case '"': out += "\\\""; return;
    case '\\': out += "\\\\"; return;
    case '\b': out += "\\b"; return;
    case '\f': out += "\\f"; return;
    case '\n': out += "\\n"; return;
    case '\r': out += "\\r"; return;
    case '\t': out += "\\t"; return;
    default: break;
  }
  out += "\\u00";
  out += kHex[(c >> 4) & 0x0F];
  out += kHex[c & 0x0F];
}

#if defined(__SSE2__)
constexpr size_t kBlock = 16;

// The bytes among the kBlock at `p` that are not plain (kPlain: below 0x20, '"', '\\', from 0x80
// up), one bit per byte, the first byte lowest. A signed compare below 0x20 catches the bytes
// from 0x80 up as well, which are negative as signed chars.
uint32_t SpecialBytes(const char* p) {
  const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i special = _mm_or_si128(_mm_cmplt_epi8(bytes, _mm_set1_epi8(0x20)),
                                       _mm_or_si128(_mm_cmpeq_epi8(bytes, _mm_set1_epi8('"')),
                                                    _mm_cmpeq_epi8(bytes, _mm_set1_epi8('\\'))));
  return static_cast<uint32_t>(_mm_movemask_epi8(special));
}
#else
constexpr size_t kBlock = 8;

// The same, a 64-bit word at a time: the high bit of each such byte. "byte < n" is
// (w - n*ones) & ~w & highs for n <= 0x80, and "byte == c" the same test for 1 on w ^ c*ones;
// a borrow can flag a byte above a flagged one, never below, so the lowest bit is exact.
uint64_t SpecialBytes(const char* p) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHighs = 0x8080808080808080ULL;
  uint64_t w;
  std::memcpy(&w, p, sizeof w);
  if constexpr (std::endian::native == std::endian::big) w = __builtin_bswap64(w);
  auto below = [](uint64_t x, uint64_t n) { return (x - n * kOnes) & ~x & kHighs; };
  return (w & kHighs) | below(w, 0x20) | below(w ^ ('"' * kOnes), 1) | below(w ^ ('\\' * kOnes), 1);
}
#endif

// The position of the first byte a SpecialBytes mask flags, relative to its block.
size_t FirstSpecial(uint64_t mask) {
  return static_cast<size_t>(std::countr_zero(mask)) / (kBlock == 16 ? 1 : 8);
}

}  // namespace

void AppendJsonString(std::string& out, std::string_view text) {
  const size_t start = out.size();
  out.reserve(start + text.size() + 2);
  out += '"';
  size_t copied = 0;  // text[0, copied) is in `out`; the bytes after it up to i need no escape
  for (size_t i = 0; i < text.size();) {
    if (i + kBlock <= text.size()) {  // skip to the first byte that is not plain
      const uint64_t special = SpecialBytes(text.data() + i);
      if (special == 0) {
        i += kBlock;
        continue;
      }
      i += FirstSpecial(special);
    }
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (kPlain[c]) {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      const size_t length = Utf8SequenceLength(text, i);
      if (length == 0) {
        // Invalid UTF-8 is rare (a provider's broken bytes): nlohmann's replacement rules
        // decide exactly which bytes become U+FFFD, so the whole string goes through it.
        out.resize(start);
        out += nlohmann::json(std::string(text)).dump(-1, ' ', false,
                                                     nlohmann::json::error_handler_t::replace);
        return;
      }
      i += length;
      continue;
    }
    out.append(text.data() + copied, i - copied);
    AppendEscaped(out, text[i]);
    copied = ++i;
  }
  out.append(text.data() + copied, text.size() - copied);
  out += '"';
}

void AppendJsonDouble(std::string& out, double value) {
  // Scores are mostly exactly 1 or 0: nlohmann writes them "1.0" and "0.0" (and -0.0 "-0.0").
  if (value == 1.0 || (value == 0.0 && !std::signbit(value))) {
    out += value == 1.0 ? "1.0" : "0.0";
    return;
  }
  // nlohmann's own float formatting (Grisu2, its exponent rules), so the text is the same.
  out += nlohmann::json(value).dump();
}

void JsonWriter::Key(std::string_view key) {
  BeforeValue();
  AppendJsonString(out_, key);
  out_ += ':';
  after_key_ = true;
}

void JsonWriter::String(std::string_view value) {
  BeforeValue();
  AppendJsonString(out_, value);
}

void JsonWriter::Int(int64_t value) {
  BeforeValue();
  char digits[24];
  const std::to_chars_result end = std::to_chars(digits, digits + sizeof digits, value);
  out_.append(digits, end.ptr);
}

void JsonWriter::Double(double value) {
  BeforeValue();
  AppendJsonDouble(out_, value);
}

void JsonWriter::Bool(bool value) {
  BeforeValue();
  out_ += value ? "true" : "false";
}

void JsonWriter::Null() {
  BeforeValue();
  out_ += "null";
}

void JsonWriter::Raw(std::string_view json) {
  BeforeValue();
  out_ += json;
}

void JsonWriter::BeginObject(std::string_view key) {
  Key(key);
  BeginObject();
}

void JsonWriter::BeginArray(std::string_view key) {
  Key(key);
  BeginArray();
}

void JsonWriter::String(std::string_view key, std::string_view value) {
  Key(key);
  String(value);
}

void JsonWriter::Int(std::string_view key, int64_t value) {
  Key(key);
  Int(value);
}

void JsonWriter::Double(std::string_view key, double value) {
  Key(key);
  Double(value);
}

void JsonWriter::Bool(std::string_view key, bool value) {
  Key(key);
  Bool(value);
}

void JsonWriter::Null(std::string_view key) {
  Key(key);
  Null();
}

void JsonWriter::Raw(std::string_view key, std::string_view json) {
  Key(key);
  Raw(json);
}

void JsonWriter::Open(char bracket) {
  BeforeValue();
  out_ += bracket;
  need_comma_ = false;
}

void JsonWriter::Close(char bracket) {
  out_ += bracket;
  need_comma_ = true;
}

void JsonWriter::BeforeValue() {
  if (after_key_) {
    after_key_ = false;
  } else if (need_comma_) {
    out_ += ',';
  }
  need_comma_ = true;
}

}  // namespace taskcost
