// URI reference resolution (RFC 3986 section 5.2) for "$id" and "$ref", and the percent-decoding
// of a fragment. Pure functions.
#include <optional>
#include <string>
#include <string_view>

#include "harness/core/schema/schema_model.h"

namespace taskcost::schema {
namespace {

struct UriParts {
  std::optional<std::string> scheme;
  std::optional<std::string> authority;
  std::string path;
  std::optional<std::string> query;
  std::optional<std::string> fragment;
};

// RFC 3986 appendix B: ^(([^:/?#]+):)?(//([^/?#]*))?([^?#]*)(\?([^#]*))?(#(.*))?
UriParts Split(std::string_view uri) {
  UriParts parts;
  if (size_t hash = uri.find('#'); hash != std::string_view::npos) {
    parts.fragment = std::string(uri.substr(hash + 1));
    uri = uri.substr(0, hash);
  }
  if (size_t question = uri.find('?'); question != std::string_view::npos) {
    parts.query = std::string(uri.substr(question + 1));
    uri = uri.substr(0, question);
  }
  const size_t colon = uri.find(':');
  if (colon != std::string_view::npos && colon > 0 &&
      uri.substr(0, colon).find('/') == std::string_view::npos) {
    parts.scheme = std::string(uri.substr(0, colon));
    uri = uri.substr(colon + 1);
  }
  if (uri.starts_with("//")) {
    const size_t end = uri.find('/', 2);
    parts.authority = std::string(uri.substr(2, end == std::string_view::npos ? end : end - 2));
    uri = end == std::string_view::npos ? std::string_view() : uri.substr(end);
  }
  parts.path = std::string(uri);
  return parts;
}

// RFC 3986 5.2.4.
std::string RemoveDotSegments(std::string_view in) {
  std::string out;
  while (!in.empty()) {
    if (in.starts_with("../")) {
      in.remove_prefix(3);
    } else if (in.starts_with("./")) {
      in.remove_prefix(2);
    } else if (in.starts_with("/./")) {
      in.remove_prefix(2);
    } else if (in == "/.") {
      in = "/";
    } else if (in.starts_with("/../") || in == "/..") {
      in = in.size() == 3 ? std::string_view("/") : in.substr(3);
      const size_t slash = out.rfind('/');
      out.erase(slash == std::string::npos ? 0 : slash);
    } else if (in == "." || in == "..") {
      in = {};
    } else {
      const size_t next = in.find('/', in.front() == '/' ? 1 : 0);
      out += in.substr(0, next);
      in = next == std::string_view::npos ? std::string_view() : in.substr(next);
    }
  }
  return out;
}

// RFC 3986 5.2.3.
std::string Merge(const UriParts& base, std::string_view path) {
  if (base.authority && base.path.empty()) return "/" + std::string(path);
  const size_t slash = base.path.rfind('/');
  if (slash == std::string::npos) return std::string(path);
  return base.path.substr(0, slash + 1) + std::string(path);
}

std::string Join(const UriParts& p) {
  std::string out;
  if (p.scheme) out += *p.scheme + ":";
  if (p.authority) out += "//" + *p.authority;
  out += p.path;
  if (p.query) out += "?" + *p.query;
  if (p.fragment) out += "#" + *p.fragment;
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string ResolveUri(std::string_view base_text, std::string_view reference) {
  const UriParts ref = Split(reference);
  const UriParts base = Split(base_text);
  UriParts target;
  target.fragment = ref.fragment;
  if (ref.scheme) {
    target.scheme = ref.scheme;
    target.authority = ref.authority;
    target.path = RemoveDotSegments(ref.path);
    target.query = ref.query;
    return Join(target);
  }
  target.scheme = base.scheme;
  if (ref.authority) {
    target.authority = ref.authority;
    target.path = RemoveDotSegments(ref.path);
    target.query = ref.query;
  } else {
    target.authority = base.authority;
    if (ref.path.empty()) {
      target.path = base.path;
      target.query = ref.query ? ref.query : base.query;
    } else {
      target.path = RemoveDotSegments(ref.path.front() == '/' ? ref.path : Merge(base, ref.path));
      target.query = ref.query;
    }
  }
  return Join(target);
}

std::optional<std::string> PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int high = HexValue(text[i + 1]);
    const int low = HexValue(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return out;
}

}  // namespace taskcost::schema
