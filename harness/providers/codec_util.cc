#include "harness/providers/codec_util.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <stdexcept>

#include "harness/core/formats/json_parse.h"

namespace taskcost::codec {

// The usage flag of a 2xx reply whose usage could not be read at all.
constexpr const char* kUsageUnknown = "usage unknown: the response could not be read";

Json ParseObjectOrThrow(std::string_view text, std::string_view what) {
  std::optional<Json> parsed = ParseBoundedJson<Json>(text, nullptr);  // json_parse.h
  if (!parsed || !parsed->is_object()) {
    throw std::invalid_argument(std::string(what) +
                                " is not a JSON object: " + Truncate(text, 200));
  }
  return std::move(*parsed);
}

std::string Truncate(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  size_t cut = max_bytes;
  // Step back over UTF-8 continuation bytes (10xxxxxx) so no character is split.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut)) + "...";
}

std::string BodySnippet(std::string_view body) {
  std::string flat;
  bool in_space = false;
  for (char c : body) {
    bool space = std::isspace(static_cast<unsigned char>(c)) != 0;
    if (space && !flat.empty()) in_space = true;
    if (space) continue;
    if (in_space) flat += ' ';
    in_space = false;
    flat += c;
  }
  if (flat.empty()) return "empty body";
  return Truncate(flat, 200);
}

std::string JoinUrl(std::string_view base, std::string_view path) {
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  return std::string(base) + "/" + std::string(path);
}

bool ContainsNoCase(std::string_view haystack, std::string_view needle) {
  auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                        [](char a, char b) {
                          return std::tolower(static_cast<unsigned char>(a)) ==
                                 std::tolower(static_cast<unsigned char>(b));
                        });
  return it != haystack.end();
}

void SetHeader(std::vector<HttpHeader>& headers, std::string name, std::string value) {
  auto same = [&](const HttpHeader& h) {
    return h.name.size() == name.size() && ContainsNoCase(h.name, name);
  };
  headers.erase(std::remove_if(headers.begin(), headers.end(), same), headers.end());
  headers.push_back(HttpHeader{std::move(name), std::move(value)});
}

HttpRequest BaseRequest(const ProviderConfig& provider, const ChatCall& call, std::string url,
                        const std::vector<HttpHeader>& wire_headers, AuthHeader auth) {
  HttpRequest request;
  request.method = "POST";
  request.url = std::move(url);
  request.timeout = call.timeout;
  request.max_reply_bytes = provider.max_reply_bytes;
  SetHeader(request.headers, "Content-Type", "application/json");
  for (const HttpHeader& h : wire_headers) SetHeader(request.headers, h.name, h.value);
  for (const HttpHeader& h : provider.headers) SetHeader(request.headers, h.name, h.value);
  if (!auth.secret.empty()) request.auth = std::move(auth);
  return request;
}

std::string SanitizeSchemaName(std::string_view name) {
  std::string out;
  for (char c : name.substr(0, 64)) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
    out += ok ? c : '_';
  }
  return out.empty() ? "answer" : out;
}

std::string SystemWithSchemaInstruction(std::string_view system, std::string_view schema_json) {
  std::string out(system);
  if (!out.empty()) out += "\n\n";
  out +=
      "Answer with only a JSON object that validates against the following JSON Schema. "
      "Do not add any other text, explanation or Markdown code fences.\n"
      "JSON Schema:\n";
  out += schema_json;
  return out;
}

std::vector<ChatMessage> MessagesAsSent(const ChatCall& call) {
  std::vector<ChatMessage> messages = call.messages;
  if (call.mode != OutputMode::kPrompt || call.schema_json.empty()) return messages;
  if (!messages.empty() && messages.front().role == "system") {
    messages.front().content =
        SystemWithSchemaInstruction(messages.front().content, call.schema_json);
  } else {
    messages.insert(messages.begin(),
                    ChatMessage{"system", SystemWithSchemaInstruction("", call.schema_json)});
  }
  return messages;
}

size_t PrefixMessagesAsSent(const ChatCall& call) {
  if (call.cache_ttl_seconds <= 0 || call.cache_prefix_messages <= 0) return 0;
  const size_t prefix = static_cast<size_t>(call.cache_prefix_messages);
  const bool inserted = call.mode == OutputMode::kPrompt && !call.schema_json.empty() &&
                        (call.messages.empty() || call.messages.front().role != "system");
  return inserted ? prefix + 1 : prefix;
}

void MergeParams(Json& body, std::string_view params_json) {
  Json params = ParseObjectOrThrow(params_json, "params");
  for (auto it = params.begin(); it != params.end(); ++it) body[it.key()] = it.value();
}

bool SplitAroundMarker(std::string_view body, std::string_view before, SplitRequest& split) {
  const std::string marker = std::string(before) + Dump(Json(kPromptsMarker));
  const size_t at = body.find(marker);
  if (at == std::string_view::npos || body.find(marker, at + 1) != std::string_view::npos) {
    return false;
  }
  split.body_head = std::string(body.substr(0, at));
  split.body_tail = std::string(body.substr(at + marker.size()));
  return true;
}

bool ParamsHave(std::string_view params_json, std::initializer_list<std::string_view> keys) {
  const Json params = ParseObjectOrThrow(params_json, "params");
  for (std::string_view key : keys) {
    if (params.contains(key)) return true;
  }
  return false;
}

ProviderReply TransportFailureReply(const HttpResponse& response) {
  ProviderReply reply;
  reply.error =
      response.failure == TransportFailure::kTimeout ? ErrorClass::kTimeout : ErrorClass::kNetwork;
  if (response.failure == TransportFailure::kTooLarge) reply.error = ErrorClass::kInvalidOutput;
  if (!response.failure_message.empty()) {
    reply.error_message = Truncate(response.failure_message, kMaxErrorMessage);
  } else if (response.failure == TransportFailure::kNone) {
    reply.error_message = "no HTTP status was received";
  } else {
    reply.error_message = std::string(ErrorClassName(reply.error));
  }
  return reply;
}

ErrorClass ClassifyStatus(int status) {
  if (status == 429) return ErrorClass::kRateLimit;
  if (status == 401 || status == 403) return ErrorClass::kAuth;
  if (status == 402) return ErrorClass::kQuota;
  if (status == 408) return ErrorClass::kTimeout;
  if (status >= 500 && status <= 599) return ErrorClass::kServer;
  return ErrorClass::kBadRequest;
}

std::string Dump(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

void SetErrorMessage(ProviderReply& reply, int status, std::string_view body,
                     std::optional<Value> parsed) {
  std::string message;
  if (parsed) {
    const Value error = At(*parsed, "error");
    message = error.is_string() ? std::string(StringOf(error)) : StringAt(error, "message");
  }
  if (message.empty()) {
    message = "HTTP " + std::to_string(status) + ": " + BodySnippet(body);
  }
  reply.error_message = Truncate(message, kMaxErrorMessage);
}

ProviderReply ReadReply(const HttpResponse& response, std::string_view request_id_header,
                        const ErrorReader& read_error, const BodyReader& read_usage,
                        const BodyReader& read_answer) {
  if (response.failure != TransportFailure::kNone || response.status == 0) {
    return TransportFailureReply(response);
  }
  ProviderReply reply;
  const ReplyBody body = ParseReplyJson(response.body);
  if (auto id = FindHeader(response.headers, request_id_header)) {
    reply.request_id = *id;
  } else if (body.value) {
    reply.request_id = StringAt(*body.value, "request_id");
  }
  if (response.status < 200 || response.status > 299) {
    reply.error = ClassifyStatus(response.status);
    SetErrorMessage(reply, response.status, response.body, body.value);
    read_error(body.value, reply);
  } else if (!body.value) {
    reply.error = ErrorClass::kInvalidOutput;
    const bool syntax = !body.refusal || body.refusal->kind == JsonRefusal::Kind::kSyntax;
    reply.error_message = syntax ? "provider response is not JSON: " + BodySnippet(response.body)
                                 : "provider response cannot be read: " + body.refusal->Text();
    // A 2xx reply was most likely billed: its usage is unknown, never silently $0 (priced at the
    // call's reservation, as implausible usage is: docs/providers.md).
    reply.usage_flag = kUsageUnknown;
  } else if (body.Pruned()) {
    read_usage(*body.value, reply);
    if (body.PrunedUnder("usage") && reply.usage_flag.empty()) {
      reply.usage_flag = "usage " + body.refusal->what;
    }
    if (reply.usage_raw.empty() && reply.usage_flag.empty()) reply.usage_flag = kUsageUnknown;
    reply.error = ErrorClass::kInvalidOutput;
    reply.error_message = "provider response cannot be read: " + body.refusal->Text();
  } else {
    read_usage(*body.value, reply);
    read_answer(*body.value, reply);
  }
  return reply;
}

void SetInvalidShape(ProviderReply& reply, Value body, std::string_view what) {
  std::string message = StringAt(At(body, "error"), "message");
  if (message.empty()) {
    message = "provider response lacks " + std::string(what) + ": " + BodySnippet(Dump(body));
  }
  reply.error = ErrorClass::kInvalidOutput;
  reply.error_message = Truncate(message, kMaxErrorMessage);
}

}  // namespace taskcost::codec
