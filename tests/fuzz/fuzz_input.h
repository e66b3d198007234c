// The fuzz targets' input formats (docs/fuzzing.md), header-only so that a regression test
// feeds a finding's bytes through exactly what its target did: the fuzzer's bytes as text, and
// an HTTP response or header block written as text (an XLSX workbook's parts: xlsx_parts.h).
// Test-only; pure functions.
#pragma once

#include <charconv>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "harness/core/model/http.h"

namespace taskcost::fuzz {

/// The fuzzer's input as text (any bytes, NUL included).
inline std::string_view Text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

/// The next line of `text` (without its LF and a CR before it); `text` moves past it.
inline std::string_view TakeLine(std::string_view& text) {
  const size_t end = text.find('\n');
  std::string_view line = text.substr(0, end);
  text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

inline std::string_view TrimBlanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

/// "Name: value" lines up to the first empty line (or the end), as HttpHeader values; a line
/// without ':' is a header with an empty value. `rest`, when not null, gets what follows the
/// empty line.
inline std::vector<HttpHeader> HeadersFromText(std::string_view text,
                                               std::string_view* rest = nullptr) {
  std::vector<HttpHeader> headers;
  while (!text.empty()) {
    const std::string_view line = TakeLine(text);
    if (line.empty()) break;
    const size_t colon = line.find(':');
    const std::string_view value =
        colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
    headers.push_back(
        HttpHeader{std::string(TrimBlanks(line.substr(0, colon))), std::string(TrimBlanks(value))});
  }
  if (rest != nullptr) *rest = text;
  return headers;
}

/// An HTTP response written as text: the status on the first line ("429"; not a number is 200),
/// then header lines, an empty line and the body (every remaining byte). It took 1.5 s.
///
///     429
///     retry-after: 2
///
///     {"error":{"message":"slow down"}}
inline HttpResponse ResponseFromText(std::string_view text) {
  HttpResponse response;
  const std::string_view status = TrimBlanks(TakeLine(text));
  int code = 200;
  auto [end, ec] = std::from_chars(status.data(), status.data() + status.size(), code);
  response.status = ec == std::errc() && end == status.data() + status.size() ? code : 200;
  std::string_view body;
  response.headers = HeadersFromText(text, &body);
  response.body = std::string(body);
  response.elapsed = std::chrono::microseconds(1'500'000);
  return response;
}

}  // namespace taskcost::fuzz
