// Private to harness/providers: the pieces both wire codecs share (JSON reading that never
// throws, status classification, headers, the prompt-mode instruction). Includes nlohmann
// (request bodies) and simdjson (replies, reply_json.h), so no header outside this folder may
// include it. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "harness/core/model/attempt.h"
#include "harness/core/model/http.h"
#include "harness/core/loading/providers_config.h"
#include "harness/providers/codec.h"
#include "harness/providers/reply_json.h"

namespace taskcost::codec {

// Insertion-ordered, so request bodies read in the order they are built and usage_raw keeps
// the provider's key order.
using Json = nlohmann::ordered_json;

/// Longest provider error message kept (bytes, cut on a UTF-8 boundary, "..." appended).
inline constexpr size_t kMaxErrorMessage = 500;

/// Parses a JSON object the caller promised (schema, params); throws std::invalid_argument
/// naming `what` when it is not one, because the suite loader checks both before any call.
Json ParseObjectOrThrow(std::string_view text, std::string_view what);

/// `text` cut to at most `max_bytes` on a UTF-8 character boundary, "..." appended when cut.
std::string Truncate(std::string_view text, size_t max_bytes);
/// A one-line preview of a body that is not JSON (HTML error page, proxy text).
std::string BodySnippet(std::string_view body);

/// "base" + "/" + "path" with exactly one slash between them.
std::string JoinUrl(std::string_view base, std::string_view path);
/// Sets header `name` (case-insensitive), replacing an earlier value.
void SetHeader(std::vector<HttpHeader>& headers, std::string name, std::string value);
/// The request skeleton both formats share: URL, JSON content type, the format's own
/// `wire_headers`, then the provider's configured headers (which override ours), the call's
/// timeout, and auth {auth_header, auth_prefix, key} when a key is given.
HttpRequest BaseRequest(const ProviderConfig& provider, const ChatCall& call, std::string url,
                        const std::vector<HttpHeader>& wire_headers, AuthHeader auth);

/// A name the APIs accept for a response format or tool: [a-zA-Z0-9_-]{1,64}. Other
/// characters become '_', longer names are cut, an empty name becomes "answer".
std::string SanitizeSchemaName(std::string_view name);
/// The system message in prompt mode: `system`, a blank line, then the instruction to answer
/// with only a JSON object valid against `schema_json` (quoted in full).
std::string SystemWithSchemaInstruction(std::string_view system, std::string_view schema_json);
/// call.messages as sent: in prompt mode (with a schema) the first system message carries the
/// schema instruction (SystemWithSchemaInstruction), or a system message of its own is put first
/// when there is none; otherwise call.messages unchanged.
std::vector<ChatMessage> MessagesAsSent(const ChatCall& call);
/// How many leading entries of MessagesAsSent(call) form the cacheable prefix when caching is
/// asked (call.cache_ttl_seconds > 0): call.cache_prefix_messages, one more when prompt mode put a
/// system message of its own first; 0 when caching is not asked or no message is marked.
size_t PrefixMessagesAsSent(const ChatCall& call);
/// Copies every key of the params object into `body`, overriding what is there.
void MergeParams(Json& body, std::string_view params_json);

/// Takes the place of the prompts in a body built once per candidate (RequestTemplate): a string
/// no schema or params would hold, found again in the serialised body by SplitAroundMarker.
inline constexpr std::string_view kPromptsMarker = "\x01taskcost-prompts\x01";
/// Splits a compact `body` that holds the marker exactly once, as a string value written right
/// after `before` (empty, or a key such as "\"messages\":"), into split.body_head (up to
/// `before`) and split.body_tail (after the marker). False when the marker is not there once.
bool SplitAroundMarker(std::string_view body, std::string_view before, SplitRequest& split);
/// Whether the params object names any of `keys` (params_json must be a JSON object).
bool ParamsHave(std::string_view params_json, std::initializer_list<std::string_view> keys);

/// The reply when no HTTP status arrived: timeout, or network for everything else.
ProviderReply TransportFailureReply(const HttpResponse& response);
/// The class of a non-2xx status before any provider-specific refinement:
/// 429 rate_limit; 401/403 auth; 402 quota; 408 timeout; other 4xx bad_request; 5xx server;
/// anything else (1xx, 3xx) bad_request, since it means the endpoint is misconfigured.
ErrorClass ClassifyStatus(int status);
/// Case-insensitive substring test.
bool ContainsNoCase(std::string_view haystack, std::string_view needle);

/// Compact JSON text; invalid UTF-8 in strings is replaced (U+FFFD) instead of throwing.
std::string Dump(const Json& value);
/// The steps every reply goes through, whatever the format: a transport failure or a missing
/// status is timeout/network; the request id comes from `request_id_header`, else the body's
/// "request_id"; a non-2xx status goes to `read_error` (with the body when it is JSON); a 2xx
/// body that is not JSON, or holds a number no double holds, is invalid output; a JSON 2xx body
/// goes to `read_usage`, then `read_answer`. A 2xx body nested deeper than kMaxJsonDepth is
/// invalid output too, but its usage is still read (a usage object that lost a too-deep part is
/// flagged implausible). The body is read with simdjson (reply_json.h); the readers' values are
/// valid during the call only.
using ErrorReader = std::function<void(std::optional<Value> body, ProviderReply& reply)>;
using BodyReader = std::function<void(Value body, ProviderReply& reply)>;
ProviderReply ReadReply(const HttpResponse& response, std::string_view request_id_header,
                        const ErrorReader& read_error, const BodyReader& read_usage,
                        const BodyReader& read_answer);
/// Marks a 2xx JSON body without the expected shape as invalid output: the provider's
/// error.message when it sent one, else "provider response lacks <what>: <body>".
void SetInvalidShape(ProviderReply& reply, Value body, std::string_view what);

/// Fills error_message for an error status from the provider's `error.message`, or from the
/// body itself when it is not JSON.
void SetErrorMessage(ProviderReply& reply, int status, std::string_view body,
                     std::optional<Value> parsed);

}  // namespace taskcost::codec
