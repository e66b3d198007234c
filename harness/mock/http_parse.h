// HTTP/1.1 message heads for the simulator's server (internal): parsing a request head and
// formatting a response head. Pure functions; thread-compatible.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "harness/core/model/http.h"
#include "harness/mock/http_server.h"

namespace taskcost::mock {

/// A parsed request head; the body follows it in the stream.
struct RequestHead {
  MockRequest request;           // method, target and headers; body empty
  size_t head_bytes = 0;         // bytes up to and including the blank line
  size_t content_length = 0;     // 0 when absent on a method without a body
  bool keep_alive = true;        // HTTP/1.1 unless "Connection: close"; HTTP/1.0 if asked
  bool expect_continue = false;  // "Expect: 100-continue"
};

/// Why a head was refused: the status to answer with (then close) and a short reason.
struct HeadProblem {
  int status = 400;
  std::string message;
};

using HeadResult = std::variant<RequestHead, HeadProblem>;

/// Parses the head at the start of `data`, which must contain "\r\n\r\n". Bodies are framed by
/// Content-Length only: Transfer-Encoding, or a POST/PUT/PATCH without Content-Length, is 411;
/// a malformed line or length is 400; an Expect other than 100-continue is 417.
HeadResult ParseRequestHead(std::string_view data);

/// "HTTP/1.1 200 OK\r\n" + headers + content-length (+ "connection: close") + "\r\n".
std::string FormatResponseHead(int status, const std::vector<HttpHeader>& headers,
                               size_t content_length, bool keep_alive);

/// The reason phrase of a status: "OK", "Too Many Requests", ...
std::string_view StatusReason(int status);

/// A minimal OpenAI-shaped error body for problems found below the API (bad HTTP).
std::string JsonErrorBody(const std::string& message);

}  // namespace taskcost::mock
