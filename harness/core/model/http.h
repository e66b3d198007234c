// Plain HTTP request and response values exchanged between the pure provider codecs and the
// transport at the edge. No IO here. Not synchronised.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/core/model/secret.h"

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

/// A reply body longer than this ends the attempt (providers.yaml max_reply_bytes).
inline constexpr size_t kDefaultMaxReplyBytes = 4'000'000;

struct HttpRequest {
  std::string method = "POST";
  std::string url;
  std::vector<HttpHeader> headers;  // never holds the key; see `auth`
  std::string body;
  std::optional<AuthHeader> auth;
  std::chrono::milliseconds timeout{60'000};  // whole-request limit
  size_t max_reply_bytes = kDefaultMaxReplyBytes;  // a longer body fails as kTooLarge
};

/// What went wrong below HTTP. kNone means an HTTP status arrived (any status, 5xx included).
/// kTooLarge: the reply's body passed HttpRequest::max_reply_bytes, or its headers their bound.
enum class TransportFailure { kNone, kTimeout, kConnect, kNetwork, kTooLarge };

struct HttpResponse {
  int status = 0;                       // 0 when no HTTP status arrived
  std::vector<HttpHeader> headers;      // names as received
  std::string body;
  TransportFailure failure = TransportFailure::kNone;
  std::string failure_message;          // e.g. curl's error text; never contains the key
  std::chrono::microseconds elapsed{0};  // from send to last byte
};

/// Every key the process holds (secret.h) taken out of `response`: its body, header names and
/// values, and failure message. `cut_off` also catches a key's beginning at the body's end.
void RedactSecrets(HttpResponse& response, bool cut_off);

/// Case-insensitive header lookup; the first match.
std::optional<std::string_view> FindHeader(const std::vector<HttpHeader>& headers,
                                           std::string_view name);

}  // namespace taskcost
