#include "harness/mock/http_parse.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <optional>

namespace taskcost::mock {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

/// True when the comma-separated header value holds `token` (case-insensitive).
bool HasToken(std::string_view value, std::string_view token) {
  while (!value.empty()) {
    size_t comma = value.find(',');
    if (IEquals(Trim(value.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

bool ParseLength(std::string_view text, size_t& out) {
  text = Trim(text);
  if (text.empty() || text.size() > 15) return false;
  size_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<size_t>(c - '0');
  }
  out = v;
  return true;
}

HeadProblem Problem(int status, std::string message) { return {status, std::move(message)}; }

/// "POST /v1/messages HTTP/1.1" -> method, target; sets keep_alive from the version.
std::optional<HeadProblem> ParseRequestLine(std::string_view line, RequestHead& head) {
  size_t sp1 = line.find(' ');
  size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || sp1 == 0 || sp2 == sp1 + 1) {
    return Problem(400, "malformed request line");
  }
  std::string_view version = line.substr(sp2 + 1);
  if (version != "HTTP/1.1" && version != "HTTP/1.0") {
    return Problem(400, "unsupported HTTP version");
  }
  head.request.method = std::string(line.substr(0, sp1));
  head.request.target = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
  head.keep_alive = version == "HTTP/1.1";
  return std::nullopt;
}

std::optional<HeadProblem> ApplyFraming(RequestHead& head) {
  const auto& headers = head.request.headers;
  if (FindHeader(headers, "transfer-encoding")) {
    return Problem(411, "Transfer-Encoding is not supported; send a Content-Length");
  }
  bool have_length = false;
  for (const HttpHeader& h : headers) {
    if (!IEquals(h.name, "content-length")) continue;
    size_t length = 0;
    if (!ParseLength(h.value, length) || (have_length && length != head.content_length)) {
      return Problem(400, "invalid Content-Length");
    }
    head.content_length = length;
    have_length = true;
  }
  const std::string& m = head.request.method;
  if (!have_length && (m == "POST" || m == "PUT" || m == "PATCH")) {
    return Problem(411, "a request body needs a Content-Length");
  }
  if (auto connection = FindHeader(headers, "connection")) {
    if (HasToken(*connection, "close")) head.keep_alive = false;
    if (HasToken(*connection, "keep-alive")) head.keep_alive = true;
  }
  if (auto expect = FindHeader(headers, "expect")) {
    if (!IEquals(Trim(*expect), "100-continue")) return Problem(417, "unsupported Expect");
    head.expect_continue = true;
  }
  return std::nullopt;
}

}  // namespace

HeadResult ParseRequestHead(std::string_view data) {
  const size_t end = data.find("\r\n\r\n");
  RequestHead head;
  head.head_bytes = end + 4;
  std::string_view rest = data.substr(0, end + 2);
  size_t eol = rest.find("\r\n");
  if (auto problem = ParseRequestLine(rest.substr(0, eol), head)) return *problem;
  rest.remove_prefix(eol + 2);
  while (!rest.empty()) {
    eol = rest.find("\r\n");
    std::string_view line = rest.substr(0, eol);
    rest.remove_prefix(eol + 2);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0 || line.front() == ' ' ||
        line.front() == '\t') {
      return Problem(400, "malformed header line");
    }
    head.request.headers.push_back(
        {std::string(line.substr(0, colon)), std::string(Trim(line.substr(colon + 1)))});
  }
  if (auto problem = ApplyFraming(head)) return *problem;
  return head;
}

std::string_view StatusReason(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 411:
      return "Length Required";
    case 413:
      return "Payload Too Large";
    case 417:
      return "Expectation Failed";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    case 529:
      return "Site Overloaded";
    default:
      return "Unknown";
  }
}

std::string FormatResponseHead(int status, const std::vector<HttpHeader>& headers,
                               size_t content_length, bool keep_alive) {
  std::string out;
  out.reserve(256);
  out += "HTTP/1.1 ";
  out += std::to_string(status);
  out += ' ';
  out += StatusReason(status);
  out += "\r\n";
  for (const HttpHeader& h : headers) {
    out += h.name;
    out += ": ";
    out += h.value;
    out += "\r\n";
  }
  out += "content-length: ";
  out += std::to_string(content_length);
  out += keep_alive ? "\r\n" : "\r\nconnection: close\r\n";
  out += "\r\n";
  return out;
}

std::string JsonErrorBody(const std::string& message) {
  nlohmann::ordered_json body = {{"error",
                                  {{"message", message},
                                   {"type", "invalid_request_error"},
                                   {"param", nullptr},
                                   {"code", nullptr}}}};
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace taskcost::mock
