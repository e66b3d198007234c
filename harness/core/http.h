// Plain HTTP request and response values exchanged between the pure provider codecs and the
// transport at the edge. No IO here. Not synchronised.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/core/secret.h"

namespace taskcost {

struct HttpHeader {
  std::string name;
  std::string value;
};

/// How the transport authenticates a request: header `name` gets `prefix` + the secret.
/// OpenAI: {"Authorization", "Bearer "}; Anthropic: {"x-api-key", ""}.
struct AuthHeader {
  std::string name;
  std::string prefix;
  Secret secret;
};

struct HttpRequest {
  std::string method = "POST";
  std::string url;
  std::vector<HttpHeader> headers;  // never holds the key; see `auth`
  std::string body;
  std::optional<AuthHeader> auth;
  std::chrono::milliseconds timeout{60'000};  // whole-request limit
};

/// What went wrong below HTTP. kNone means an HTTP status arrived (any status, 5xx included).
enum class TransportFailure { kNone, kTimeout, kConnect, kNetwork };

struct HttpResponse {
  int status = 0;                       // 0 when no HTTP status arrived
  std::vector<HttpHeader> headers;      // names as received
  std::string body;
  TransportFailure failure = TransportFailure::kNone;
  std::string failure_message;          // e.g. curl's error text; never contains the key
  std::chrono::microseconds elapsed{0};  // from send to last byte
};

/// Case-insensitive header lookup; the first match.
std::optional<std::string_view> FindHeader(const std::vector<HttpHeader>& headers,
                                           std::string_view name);

}  // namespace taskcost
