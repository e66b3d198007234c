#include "harness/providers/openai_codec.h"

#include <algorithm>
#include <cctype>

#include "harness/core/formats/json_writer.h"
#include "harness/providers/codec_util.h"
#include "harness/providers/retry_after.h"

namespace taskcost::openai {
namespace {

using codec::At;
using codec::CountAt;
using codec::Json;
using codec::StringAt;
using codec::Value;

// The GA Azure OpenAI data-plane version that accepts response_format json_schema.
constexpr std::string_view kAzureDefaultApiVersion = "2024-10-21";

std::string PercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 0x0F];
    }
  }
  return out;
}

std::string Url(const ProviderConfig& provider, const ChatCall& call) {
  if (provider.kind != ProviderKind::kAzureOpenAi) {
    return codec::JoinUrl(provider.base_url, "chat/completions");
  }
  std::string version =
      provider.api_version.empty() ? std::string(kAzureDefaultApiVersion) : provider.api_version;
  return codec::JoinUrl(provider.base_url,
                        "openai/deployments/" + PercentEncode(call.model) + "/chat/completions") +
         "?api-version=" + PercentEncode(version);
}

// The system message's text: in prompt mode it carries the schema instruction.
std::string SystemText(const ChatCall& call) {
  if (call.mode == OutputMode::kPrompt && !call.schema_json.empty()) {
    return codec::SystemWithSchemaInstruction(call.system, call.schema_json);
  }
  return call.system;
}

// The messages array (https://platform.openai.com/docs/api-reference/chat/create, "messages"):
// a `messages:` prompt in its order, roles as written; else the system message, then the user's.
Json Messages(const ChatCall& call) {
  Json messages = Json::array();
  if (!call.messages.empty()) {
    for (const ChatMessage& m : codec::MessagesAsSent(call)) {
      messages.push_back(Json{{"role", m.role}, {"content", m.content}});
    }
    return messages;
  }
  const std::string system = SystemText(call);
  if (!system.empty()) messages.push_back(Json{{"role", "system"}, {"content", system}});
  messages.push_back(Json{{"role", "user"}, {"content", call.user}});
  return messages;
}

Json ResponseFormat(const ChatCall& call) {
  Json json_schema = Json::object();
  json_schema["name"] = codec::SanitizeSchemaName(call.schema_name);
  json_schema["strict"] = true;
  json_schema["schema"] = codec::ParseObjectOrThrow(call.schema_json, "schema");
  return Json{{"type", "json_schema"}, {"json_schema", std::move(json_schema)}};
}

// The longer of the two reset durations OpenAI sends with a 429.
std::optional<std::chrono::milliseconds> ResetDelay(const std::vector<HttpHeader>& headers) {
  std::optional<std::chrono::milliseconds> longest;
  for (std::string_view name : {"x-ratelimit-reset-requests", "x-ratelimit-reset-tokens"}) {
    std::optional<std::string_view> value = FindHeader(headers, name);
    if (!value) continue;
    std::optional<std::chrono::milliseconds> delay = ParseRateLimitDuration(*value);
    if (delay && (!longest || *delay > *longest)) longest = delay;
  }
  return longest;
}

// Refines the status class and adds the delay; codec::ReadReply set class and message.
void ReadError(const HttpResponse& response, std::optional<Value> body, ProviderReply& reply) {
  if (body && response.status == 429) {
    const Value error = At(*body, "error");
    if (StringAt(error, "code") == "insufficient_quota" ||
        StringAt(error, "type") == "insufficient_quota") {
      reply.error = ErrorClass::kQuota;
    }
  }
  if (IsFatal(reply.error)) return;
  reply.retry_after = RetryAfterFromHeaders(response.headers);
  if (!reply.retry_after && response.status == 429) {
    reply.retry_after = ResetDelay(response.headers);
  }
}

// prompt_tokens includes the cached tokens and completion_tokens the reasoning tokens
// (https://platform.openai.com/docs/api-reference/chat/object, "usage"); a part larger than its
// whole makes the usage implausible.
void ReadUsage(Value usage, ProviderReply& reply) {
  if (usage.is_null()) return;  // not sent (some compatible servers)
  std::string& flag = reply.usage_flag;
  if (!usage.is_object()) {
    flag = "usage " + codec::Truncate(codec::Dump(usage), 40) + " is not an object";
    return;
  }
  const int64_t prompt = CountAt(usage, "prompt_tokens", "prompt_tokens", flag);
  const int64_t cached = CountAt(At(usage, "prompt_tokens_details"), "cached_tokens",
                                 "prompt_tokens_details.cached_tokens", flag);
  const int64_t completion = CountAt(usage, "completion_tokens", "completion_tokens", flag);
  const int64_t reasoning = CountAt(At(usage, "completion_tokens_details"), "reasoning_tokens",
                                    "completion_tokens_details.reasoning_tokens", flag);
  if (flag.empty() && cached > prompt) {
    flag = "prompt_tokens_details.cached_tokens " + std::to_string(cached) +
           " is more than prompt_tokens " + std::to_string(prompt);
  }
  if (flag.empty() && reasoning > completion) {
    flag = "completion_tokens_details.reasoning_tokens " + std::to_string(reasoning) +
           " is more than completion_tokens " + std::to_string(completion);
  }
  reply.usage.input_tokens = std::max<int64_t>(0, prompt - cached);
  reply.usage.cached_input_tokens = cached;
  reply.usage.output_tokens = completion;
  reply.usage.reasoning_tokens = reasoning;
  reply.usage_raw = codec::UsageRaw(usage);
}

// message.content is a string, null, or (some compatible servers) an array of text parts.
std::string ContentText(Value content) {
  if (content.is_string()) return std::string(codec::StringOf(content));
  std::string text;
  if (content.is_array()) {
    const simdjson::dom::array parts = content.get_array().value_unsafe();
    for (Value part : parts) text += StringAt(part, "text");
  }
  return text;
}

// choices[0], when choices is a non-empty array.
std::optional<Value> FirstChoice(Value body) {
  const Value choices = At(body, "choices");
  if (!choices.is_array()) return std::nullopt;
  const simdjson::dom::array items = choices.get_array().value_unsafe();
  for (Value choice : items) return choice;
  return std::nullopt;
}

void ReadChoice(Value body, ProviderReply& reply) {
  const std::optional<Value> choice = FirstChoice(body);
  if (!choice || !At(*choice, "message").is_object()) {
    codec::SetInvalidShape(reply, body, "choices[0].message");
    return;
  }
  const Value message = At(*choice, "message");
  reply.finish_reason = StringAt(*choice, "finish_reason");
  reply.output = ContentText(At(message, "content"));
  const Value refusal = At(message, "refusal");
  if (!refusal.is_null() && !(refusal.is_string() && codec::StringOf(refusal).empty())) {
    reply.error = ErrorClass::kRefusal;
    reply.error_message =
        codec::Truncate(refusal.is_string() ? codec::StringOf(refusal) : codec::Dump(refusal),
                        codec::kMaxErrorMessage);
  } else if (reply.finish_reason == "content_filter") {
    reply.error = ErrorClass::kRefusal;
    reply.error_message =
        "the answer was withheld by the content filter (finish_reason "
        "\"content_filter\")";
  } else if (reply.finish_reason == "length") {
    reply.error = ErrorClass::kTruncated;
    reply.error_message =
        "the answer was cut off at the output token limit (finish_reason "
        "\"length\")";
  }
}

// The body as a tree, with `messages` in its place. Key order: model, messages, the output cap,
// response_format, prompt_cache_key, then the candidate's params (which override a key already
// there).
Json Body(const ProviderConfig& provider, const ChatCall& call, Json messages) {
  Json body = Json::object();
  body["model"] = call.model;
  body["messages"] = std::move(messages);
  // Compatible servers (vLLM, llama.cpp, Ollama) know the older name only.
  bool legacy_cap = provider.kind == ProviderKind::kOpenAiCompatible;
  body[legacy_cap ? "max_tokens" : "max_completion_tokens"] = call.max_tokens;
  if (call.mode == OutputMode::kNative && !call.schema_json.empty()) {
    body["response_format"] = ResponseFormat(call);
  }
  // Routes requests that share the prefix to the same cache
  // (https://platform.openai.com/docs/guides/prompt-caching); OpenAI's own API only.
  if (!call.prompt_cache_key.empty() && provider.kind == ProviderKind::kOpenAi) {
    body["prompt_cache_key"] = call.prompt_cache_key;
  }
  codec::MergeParams(body, call.params_json);
  return body;
}

HttpRequest BaseRequest(const ProviderConfig& provider, const ChatCall& call, const Secret& key) {
  bool azure = provider.kind == ProviderKind::kAzureOpenAi;
  return codec::BaseRequest(
      provider, call, Url(provider, call), {},
      azure ? AuthHeader{"api-key", "", key} : AuthHeader{"Authorization", "Bearer ", key});
}

}  // namespace

HttpRequest BuildRequest(const ProviderConfig& provider, const ChatCall& call, const Secret& key) {
  HttpRequest request = BaseRequest(provider, call, key);
  request.body = codec::Dump(Body(provider, call, Messages(call)));
  return request;
}

std::optional<SplitRequest> Split(const ProviderConfig& provider, const ChatCall& call,
                                  const Secret& key) {
  // Params naming "messages" would replace the prompts: such a candidate is not split.
  if (codec::ParamsHave(call.params_json, {"messages"})) return std::nullopt;
  SplitRequest split;
  split.request = BaseRequest(provider, call, key);
  std::string body = codec::Dump(Body(provider, call, Json(codec::kPromptsMarker)));
  if (!codec::SplitAroundMarker(body, "", split)) return std::nullopt;
  return split;
}

void AppendPrompts(std::string& body, const ChatCall& call) {
  if (!call.messages.empty()) {  // serialised as BuildRequest does, so the bytes are the same
    body += codec::Dump(Messages(call));
    return;
  }
  JsonWriter w(body);
  w.BeginArray();
  const std::string system = SystemText(call);
  if (!system.empty()) {
    w.BeginObject();
    w.String("role", "system");
    w.String("content", system);
    w.EndObject();
  }
  w.BeginObject();
  w.String("role", "user");
  w.String("content", call.user);
  w.EndObject();
  w.EndArray();
}

ProviderReply ParseReply(const HttpResponse& response) {
  return codec::ReadReply(
      response, "x-request-id",
      [&](std::optional<Value> body, ProviderReply& reply) { ReadError(response, body, reply); },
      [](Value body, ProviderReply& reply) { ReadUsage(At(body, "usage"), reply); },
      [](Value body, ProviderReply& reply) { ReadChoice(body, reply); });
}

}  // namespace taskcost::openai
