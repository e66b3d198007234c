// The "format" values taskcost checks, and "pattern" compiled with RE2 (linear-time matching:
// no catastrophic backtracking, no recursion on long answers). Each check is a hand-written
// scanner over the text, linear in its length. Pure functions; safe from any thread.
#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <string_view>

#include "harness/core/schema/schema_model.h"

namespace taskcost::schema {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// The number written by `count` digits at `text[at]`, or -1.
int Digits(std::string_view text, size_t at, size_t count) {
  if (at + count > text.size()) return -1;
  int value = 0;
  for (size_t i = at; i < at + count; ++i) {
    if (!IsDigit(text[i])) return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

// RFC 3339 full-date: 2024-02-29.
bool IsDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  const int year = Digits(s, 0, 4), month = Digits(s, 5, 2), day = Digits(s, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1) return false;
  static constexpr std::array<int, 12> kDays = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return day <= (month == 2 && !leap ? 28 : kDays[month - 1]);
}

// RFC 3339 full-time: 08:30:06.283Z, 23:59:60+01:00.
bool IsTime(std::string_view s) {
  if (s.size() < 9 || s[2] != ':' || s[5] != ':') return false;
  const int hour = Digits(s, 0, 2), minute = Digits(s, 3, 2), second = Digits(s, 6, 2);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) {
    return false;
  }
  size_t at = 8;
  if (at < s.size() && s[at] == '.') {
    const size_t digits_start = ++at;
    while (at < s.size() && IsDigit(s[at])) ++at;
    if (at == digits_start) return false;
  }
  std::string_view offset = s.substr(at);
  if (offset == "Z" || offset == "z") return true;
  if (offset.size() != 6 || (offset[0] != '+' && offset[0] != '-') || offset[3] != ':') {
    return false;
  }
  const int offset_hour = Digits(offset, 1, 2), offset_minute = Digits(offset, 4, 2);
  return offset_hour >= 0 && offset_hour <= 23 && offset_minute >= 0 && offset_minute <= 59;
}

bool IsDateTime(std::string_view s) {
  return s.size() > 11 && (s[10] == 'T' || s[10] == 't') && IsDate(s.substr(0, 10)) &&
         IsTime(s.substr(11));
}

// RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens.
bool IsHostname(std::string_view s) {
  if (!s.empty() && s.back() == '.') s.remove_suffix(1);
  if (s.empty() || s.size() > 253) return false;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find('.', start);
    if (end == std::string_view::npos) end = s.size();
    std::string_view label = s.substr(start, end - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (char c : label) {
      if (!IsAlpha(c) && !IsDigit(c) && c != '-') return false;
    }
    start = end + 1;
  }
  return true;
}

bool IsIpv4(std::string_view s) {
  int parts = 0;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find('.', start);
    if (end == std::string_view::npos) end = s.size();
    std::string_view part = s.substr(start, end - start);
    if (part.empty() || part.size() > 3 || (part.size() > 1 && part[0] == '0')) return false;
    const int value = Digits(part, 0, part.size());
    if (value < 0 || value > 255) return false;
    ++parts;
    start = end + 1;
  }
  return parts == 4;
}

bool IsIpv6(std::string_view s) {
  if (s.size() > 45 || s.find_first_of("%/ ") != std::string_view::npos) return false;
  const std::string text(s);
  unsigned char address[16];
  return inet_pton(AF_INET6, text.c_str(), address) == 1;
}

bool IsEmail(std::string_view s) {
  const size_t at = s.rfind('@');
  if (at == std::string_view::npos || at == 0 || at > 64) return false;
  std::string_view local = s.substr(0, at);
  std::string_view domain = s.substr(at + 1);
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) {
    return false;
  }
  for (char c : local) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u <= ' ' || u == 0x7f ||
        std::string_view("()<>[]\\,;:@\"").find(c) != std::string_view::npos) {
      return false;
    }
  }
  if (domain.size() > 2 && domain.front() == '[' && domain.back() == ']') {
    std::string_view literal = domain.substr(1, domain.size() - 2);
    return literal.starts_with("IPv6:") ? IsIpv6(literal.substr(5)) : IsIpv4(literal);
  }
  return IsHostname(domain);
}

bool IsUriChar(char c, bool iri) {
  if (IsAlpha(c) || IsDigit(c)) return true;
  if (iri && static_cast<unsigned char>(c) >= 0x80) return true;
  return std::string_view("-._~:/?#[]@!$&'()*+,;=%").find(c) != std::string_view::npos;
}

// userinfo@host:port, with host a name, an IPv4 address or an [IPv6] literal.
bool IsAuthority(std::string_view authority) {
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
    if (authority.substr(0, at).find_first_of("[]") != std::string_view::npos) return false;
    authority.remove_prefix(at + 1);
  }
  std::string_view port;
  if (authority.starts_with("[")) {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos || !IsIpv6(authority.substr(1, close - 1))) return false;
    port = authority.substr(close + 1);
    if (!port.empty() && port.front() != ':') return false;
  } else {
    if (authority.find_first_of("[]") != std::string_view::npos) return false;
    const size_t colon = authority.find(':');
    if (colon != std::string_view::npos) port = authority.substr(colon);
  }
  if (!port.empty()) port.remove_prefix(1);
  return std::all_of(port.begin(), port.end(), IsDigit);
}

// RFC 3986 URI (`absolute`) or URI reference; IRIs (RFC 3987) also allow non-ASCII characters.
bool IsUri(std::string_view s, bool absolute, bool iri) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (!IsUriChar(s[i], iri)) return false;
    if (s[i] == '%' && (i + 2 >= s.size() || !IsHex(s[i + 1]) || !IsHex(s[i + 2]))) return false;
  }
  if (std::count(s.begin(), s.end(), '#') > 1) return false;
  std::string_view rest = s.substr(0, s.find_first_of("?#"));
  const size_t colon = rest.find(':');
  const size_t slash = rest.find('/');
  const bool has_scheme =
      colon != std::string_view::npos && (slash == std::string_view::npos || colon < slash);
  if (has_scheme) {
    std::string_view scheme = rest.substr(0, colon);
    if (scheme.empty() || !IsAlpha(scheme.front())) return false;
    for (char c : scheme) {
      if (!IsAlpha(c) && !IsDigit(c) && c != '+' && c != '-' && c != '.') return false;
    }
    rest.remove_prefix(colon + 1);
  } else if (absolute) {
    return false;
  }
  if (rest.starts_with("//")) {
    rest.remove_prefix(2);
    if (!IsAuthority(rest.substr(0, rest.find('/')))) return false;
    rest = rest.substr(std::min(rest.find('/'), rest.size()));
  }
  return rest.find_first_of("[]") == std::string_view::npos;
}

bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !IsHex(s[i])) return false;
  }
  return true;
}

// RFC 6901: "" or "/a/b~1c", where "~" is always followed by 0 or 1.
bool IsJsonPointer(std::string_view s) {
  if (!s.empty() && s.front() != '/') return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '~' && (i + 1 >= s.size() || (s[i + 1] != '0' && s[i + 1] != '1'))) return false;
  }
  return true;
}

bool IsRelativeJsonPointer(std::string_view s) {
  size_t digits = 0;
  while (digits < s.size() && IsDigit(s[digits])) ++digits;
  if (digits == 0 || (digits > 1 && s[0] == '0')) return false;
  std::string_view rest = s.substr(digits);
  return rest == "#" || IsJsonPointer(rest);
}

struct NamedFormat {
  const char* name;
  Format format;
};

constexpr NamedFormat kFormats[] = {
    {"date", Format::kDate},
    {"time", Format::kTime},
    {"date-time", Format::kDateTime},
    {"email", Format::kEmail},
    {"hostname", Format::kHostname},
    {"ipv4", Format::kIpv4},
    {"ipv6", Format::kIpv6},
    {"uri", Format::kUri},
    {"uri-reference", Format::kUriReference},
    {"iri", Format::kIri},
    {"iri-reference", Format::kIriReference},
    {"uuid", Format::kUuid},
    {"json-pointer", Format::kJsonPointer},
    {"relative-json-pointer", Format::kRelativeJsonPointer},
    {"regex", Format::kRegex},
};

}  // namespace

bool FormatMatches(Format format, std::string_view text) {
  switch (format) {
    case Format::kNone:
      return true;
    case Format::kDate:
      return IsDate(text);
    case Format::kTime:
      return IsTime(text);
    case Format::kDateTime:
      return IsDateTime(text);
    case Format::kEmail:
      return IsEmail(text);
    case Format::kHostname:
      return IsHostname(text);
    case Format::kIpv4:
      return IsIpv4(text);
    case Format::kIpv6:
      return IsIpv6(text);
    case Format::kUri:
      return IsUri(text, true, false);
    case Format::kUriReference:
      return IsUri(text, false, false);
    case Format::kIri:
      return IsUri(text, true, true);
    case Format::kIriReference:
      return IsUri(text, false, true);
    case Format::kUuid:
      return IsUuid(text);
    case Format::kJsonPointer:
      return IsJsonPointer(text);
    case Format::kRelativeJsonPointer:
      return IsRelativeJsonPointer(text);
    case Format::kRegex:
      return CompilePattern(text).ok();
  }
  return false;
}

std::optional<Format> FormatNamed(std::string_view name) {
  for (const NamedFormat& f : kFormats) {
    if (name == f.name) return f.format;
  }
  return std::nullopt;
}

std::string CheckedFormatNames() {
  std::string names;
  for (const NamedFormat& f : kFormats) {
    if (!names.empty()) names += ", ";
    names += f.name;
  }
  return names;
}

std::string Re2Pattern(std::string_view pattern) {
  std::string out;
  out.reserve(pattern.size());
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size()) {
      const bool unicode = pattern[i + 1] == 'u' && i + 6 <= pattern.size() &&
                           std::all_of(pattern.begin() + i + 2, pattern.begin() + i + 6, IsHex);
      if (unicode) {
        out += "\\x{" + std::string(pattern.substr(i + 2, 4)) + "}";
        i += 5;
      } else {
        out += pattern.substr(i, 2);
        ++i;
      }
    } else if (pattern.substr(i).starts_with("(?<") && i + 3 < pattern.size() &&
               pattern[i + 3] != '=' && pattern[i + 3] != '!') {
      out += "(?P<";  // a named group; (?<= and (?<! are lookbehind, which RE2 refuses
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

Result<std::unique_ptr<RE2>> CompilePattern(std::string_view pattern) {
  RE2::Options options;
  options.set_log_errors(false);
  options.set_never_capture(true);
  auto regex = std::make_unique<RE2>(Re2Pattern(pattern), options);
  if (!regex->ok()) {
    return MakeError(regex->error() +
                     " (patterns are matched by RE2, in linear time: no lookaround or "
                     "backreferences)");
  }
  return regex;
}

}  // namespace taskcost::schema
