#include "harness/providers/anthropic_codec.h"

#include "harness/core/formats/json_writer.h"
#include "harness/providers/codec_util.h"
#include "harness/providers/retry_after.h"

namespace taskcost::anthropic {
namespace {

using codec::At;
using codec::CountAt;
using codec::Json;
using codec::StringAt;
using codec::Value;

constexpr std::string_view kDefaultApiVersion = "2023-06-01";

std::string Url(std::string_view base_url) {
  while (!base_url.empty() && base_url.back() == '/') base_url.remove_suffix(1);
  // Tolerate a base URL that already names the API version.
  bool has_version = base_url.size() >= 3 && base_url.substr(base_url.size() - 3) == "/v1";
  return codec::JoinUrl(base_url, has_version ? "messages" : "v1/messages");
}

Json Tools(const ChatCall& call, const std::string& name) {
  Json tool = Json::object();
  tool["name"] = name;
  tool["description"] =
      "Record the answer. Call this tool with the complete answer as its input; the input "
      "must be valid against the input schema.";
  tool["input_schema"] = codec::ParseObjectOrThrow(call.schema_json, "schema");
  return Json::array({std::move(tool)});
}

// A message about money, not pace: out of credit, or the workspace's spend limit reached.
bool IsSpendLimit(std::string_view message) {
  return codec::ContainsNoCase(message, "credit balance") ||
         codec::ContainsNoCase(message, "spend limit") ||
         codec::ContainsNoCase(message, "specified API usage limits");
}

// Refines the status class and adds the delay; codec::ReadReply set class and message.
void ReadError(const HttpResponse& response, std::optional<Value> body, ProviderReply& reply) {
  const Value error = At(body ? *body : codec::NullValue(), "error");
  if (response.status == 529 || StringAt(error, "type") == "overloaded_error") {
    reply.error = ErrorClass::kRateLimit;
  }
  bool money_status = response.status == 400 || response.status == 402 || response.status == 403 ||
                      response.status == 429;
  if (money_status && IsSpendLimit(StringAt(error, "message"))) reply.error = ErrorClass::kQuota;
  if (!IsFatal(reply.error)) reply.retry_after = RetryAfterFromHeaders(response.headers);
}

// The cache write split by TTL (https://docs.anthropic.com/en/api/messages, "usage":
// cache_creation.ephemeral_5m_input_tokens / ephemeral_1h_input_tokens): the one-hour part is
// priced at the one-hour write price. Absent: every write is a 5-minute one.
void ReadCacheCreation(Value creation, ProviderReply& reply) {
  if (creation.is_null()) return;
  std::string& flag = reply.usage_flag;
  const int64_t hour = CountAt(creation, "ephemeral_1h_input_tokens",
                               "cache_creation.ephemeral_1h_input_tokens", flag);
  if (flag.empty() && hour > reply.usage.cache_write_tokens) {
    flag = "cache_creation.ephemeral_1h_input_tokens " + std::to_string(hour) +
           " is more than cache_creation_input_tokens " +
           std::to_string(reply.usage.cache_write_tokens);
    return;
  }
  reply.usage.cache_write_1h_tokens = std::min(hour, reply.usage.cache_write_tokens);
}

// input_tokens excludes both cache reads and cache writes, so each is billed once
// (https://docs.anthropic.com/en/api/messages, "usage").
void ReadUsage(Value usage, ProviderReply& reply) {
  if (usage.is_null()) return;
  std::string& flag = reply.usage_flag;
  if (!usage.is_object()) {
    flag = "usage " + codec::Truncate(codec::Dump(usage), 40) + " is not an object";
    return;
  }
  reply.usage.input_tokens = CountAt(usage, "input_tokens", "input_tokens", flag);
  reply.usage.cached_input_tokens =
      CountAt(usage, "cache_read_input_tokens", "cache_read_input_tokens", flag);
  reply.usage.cache_write_tokens =
      CountAt(usage, "cache_creation_input_tokens", "cache_creation_input_tokens", flag);
  reply.usage.output_tokens = CountAt(usage, "output_tokens", "output_tokens", flag);
  ReadCacheCreation(At(usage, "cache_creation"), reply);
  reply.usage_raw = codec::UsageRaw(usage);
}

void Classify(Answer answer, bool has_tool_use, ProviderReply& reply) {
  const std::string& stop = reply.finish_reason;
  if (stop == "refusal") {
    reply.error = ErrorClass::kRefusal;
    reply.error_message = "the model declined to answer (stop_reason \"refusal\")";
  } else if (stop == "max_tokens" || stop == "model_context_window_exceeded") {
    reply.error = ErrorClass::kTruncated;
    reply.error_message =
        "the answer was cut off at the token limit (stop_reason \"" + stop + "\")";
  } else if (answer == Answer::kToolInput && !has_tool_use) {
    reply.error = ErrorClass::kInvalidOutput;
    reply.error_message = "the reply has no tool_use block for the forced answer tool " +
                          std::string("(stop_reason \"") + stop + "\")";
  }
}

void ReadContent(Value body, Answer answer, ProviderReply& reply) {
  const Value content = At(body, "content");
  if (!content.is_array()) {
    codec::SetInvalidShape(reply, body, "a content array");
    return;
  }
  std::string text;
  std::optional<Value> tool_input;
  const simdjson::dom::array blocks = content.get_array().value_unsafe();
  for (Value block : blocks) {
    const std::string_view type = codec::StringOf(At(block, "type"));
    if (type == "text") text += codec::StringOf(At(block, "text"));
    if (type == "tool_use" && !tool_input) tool_input = At(block, "input");
  }
  reply.finish_reason = StringAt(body, "stop_reason");
  bool use_tool = answer != Answer::kText && tool_input.has_value();
  reply.output = use_tool ? codec::Dump(*tool_input) : text;
  Classify(answer, tool_input.has_value(), reply);
}

// The system prompt as sent: in prompt mode it carries the schema instruction.
std::string SystemText(const ChatCall& call) {
  bool instructed = call.mode == OutputMode::kPrompt && !call.schema_json.empty();
  return instructed ? codec::SystemWithSchemaInstruction(call.system, call.schema_json)
                    : call.system;
}

Json Messages(const std::string& user) {
  return Json::array({Json{{"role", "user"}, {"content", user}}});
}

Json TextBlock(const std::string& text) { return Json{{"type", "text"}, {"text", text}}; }

// The breakpoint of the cacheable prefix, on its last block
// (https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching): type "ephemeral", the
// default 5-minute TTL unnamed, or "ttl": "1h".
Json CacheControl(int ttl_seconds) {
  Json control = Json{{"type", "ephemeral"}};
  if (ttl_seconds == 3600) control["ttl"] = "1h";
  return control;
}

Json CachedTextBlock(const std::string& text, int ttl_seconds) {
  Json block = TextBlock(text);
  block["cache_control"] = CacheControl(ttl_seconds);
  return block;
}

// The system prompt of the system/user form: a string, or with caching asked one text block
// carrying the breakpoint (a string cannot carry it). Null when there is none.
Json SystemOf(const ChatCall& call) {
  const std::string system = SystemText(call);
  if (system.empty()) return Json();
  if (call.cache_ttl_seconds <= 0) return Json(system);
  return Json::array({CachedTextBlock(system, call.cache_ttl_seconds)});
}

// A `messages:` prompt in the Messages API's form (https://docs.anthropic.com/en/api/messages):
// the system messages become the top-level `system` as text blocks (null when there are none);
// user and assistant messages go to `messages` in order, consecutive ones of the same role merged
// into one message whose content is their text blocks, since the API wants the roles to
// alternate ("consecutive user or assistant turns in your request will be combined into a
// single turn").
struct Conversation {
  Json system;  // null, or an array of text blocks
  Json messages = Json::array();
};

// The last message of the cacheable prefix carries the breakpoint on its block, so its content
// is a list of blocks even when it is a message's only text.
Conversation ConversationOf(const ChatCall& call) {
  Conversation out;
  const std::vector<ChatMessage> messages = codec::MessagesAsSent(call);
  const size_t prefix = codec::PrefixMessagesAsSent(call);
  for (size_t i = 0; i < messages.size(); ++i) {
    const ChatMessage& m = messages[i];
    const bool last_of_prefix = i + 1 == prefix;
    Json block =
        last_of_prefix ? CachedTextBlock(m.content, call.cache_ttl_seconds) : TextBlock(m.content);
    if (m.role == "system") {
      if (out.system.is_null()) out.system = Json::array();
      out.system.push_back(std::move(block));
      continue;
    }
    if (out.messages.empty() || out.messages.back()["role"] != m.role) {
      out.messages.push_back(Json{{"role", m.role}, {"content", m.content}});
      if (last_of_prefix) out.messages.back()["content"] = Json::array({std::move(block)});
      continue;
    }
    Json& content = out.messages.back()["content"];
    if (content.is_string()) content = Json::array({TextBlock(content.get<std::string>())});
    content.push_back(std::move(block));
  }
  return out;
}

// The body as a tree. Key order: model, max_tokens, system (when there is one), messages, the
// forced answer tool, then the candidate's params (which override a key already there).
Json Body(const ChatCall& call, Json system, Json messages) {
  Json body = Json::object();
  body["model"] = call.model;
  body["max_tokens"] = call.max_tokens;
  if (!system.is_null()) body["system"] = std::move(system);
  body["messages"] = std::move(messages);
  if (call.mode == OutputMode::kNative && !call.schema_json.empty()) {
    std::string name = codec::SanitizeSchemaName(call.schema_name);
    body["tools"] = Tools(call, name);
    body["tool_choice"] = Json{{"type", "tool"}, {"name", name}};
  }
  codec::MergeParams(body, call.params_json);
  return body;
}

HttpRequest BaseRequest(const ProviderConfig& provider, const ChatCall& call, const Secret& key) {
  std::string version =
      provider.api_version.empty() ? std::string(kDefaultApiVersion) : provider.api_version;
  return codec::BaseRequest(provider, call, Url(provider.base_url),
                            {HttpHeader{"anthropic-version", version}},
                            AuthHeader{"x-api-key", "", key});
}

}  // namespace

HttpRequest BuildRequest(const ProviderConfig& provider, const ChatCall& call, const Secret& key) {
  HttpRequest request = BaseRequest(provider, call, key);
  if (!call.messages.empty()) {
    Conversation conversation = ConversationOf(call);
    request.body =
        codec::Dump(Body(call, std::move(conversation.system), std::move(conversation.messages)));
    return request;
  }
  request.body = codec::Dump(Body(call, SystemOf(call), Messages(call.user)));
  return request;
}

std::optional<SplitRequest> Split(const ProviderConfig& provider, const ChatCall& call,
                                  const Secret& key) {
  // Params naming a prompt key would move it or send it twice: such a candidate is not split.
  if (codec::ParamsHave(call.params_json, {"system", "messages"})) return std::nullopt;
  SplitRequest split;
  split.request = BaseRequest(provider, call, key);
  // Without a system prompt "messages" directly follows max_tokens, where "system" would go.
  const std::string body = codec::Dump(Body(call, Json(), Json(codec::kPromptsMarker)));
  if (!codec::SplitAroundMarker(body, "\"messages\":", split)) return std::nullopt;
  return split;
}

void AppendPrompts(std::string& body, const ChatCall& call) {
  if (!call.messages.empty()) {  // serialised as BuildRequest does, so the bytes are the same
    const Conversation conversation = ConversationOf(call);
    if (!conversation.system.is_null()) {
      body += "\"system\":" + codec::Dump(conversation.system) + ",";
    }
    body += "\"messages\":" + codec::Dump(conversation.messages);
    return;
  }
  JsonWriter w(body);
  const std::string system = SystemText(call);
  if (!system.empty() && call.cache_ttl_seconds > 0) {
    w.Raw("system", codec::Dump(SystemOf(call)));
  } else if (!system.empty()) {
    w.String("system", system);
  }
  w.BeginArray("messages");
  w.BeginObject();
  w.String("role", "user");
  w.String("content", call.user);
  w.EndObject();
  w.EndArray();
}

ProviderReply ParseReply(const HttpResponse& response, Answer answer) {
  return codec::ReadReply(
      response, "request-id",
      [&](std::optional<Value> body, ProviderReply& reply) { ReadError(response, body, reply); },
      [](Value body, ProviderReply& reply) { ReadUsage(At(body, "usage"), reply); },
      [answer](Value body, ProviderReply& reply) { ReadContent(body, answer, reply); });
}

}  // namespace taskcost::anthropic
