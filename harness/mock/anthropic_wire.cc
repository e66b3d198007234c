// The Anthropic Messages wire format: POST /v1/messages, x-api-key auth, anthropic-version
// required, native structured output as a forced tool (tool_choice {type: "tool", name}) answered
// with a tool_use block, errors as {"type": "error", "error": {...}, "request_id"}.
#include "harness/mock/wire.h"

namespace taskcost::mock {
namespace {

constexpr const char* kQuotaMessage =
    "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing "
    "to upgrade or purchase credits.";
std::string RateLimitMessage(const Failure& f) {
  std::string limit = "50 requests";
  if (f.window) {
    const auto& q = f.tokens_refused ? f.window->tokens : f.window->requests;
    if (q) limit = std::to_string(q->limit) + (f.tokens_refused ? " tokens" : " requests");
  }
  return "This request would exceed the rate limit for your organization of " + limit +
         " per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits. You "
         "can see the response headers for current usage. Please reduce the prompt length or "
         "the maximum tokens requested, or try again later.";
}
constexpr const char* kRefusal = "I can't help with that request.";

std::optional<std::string> ReadMessages(const Json& messages, ParsedCall& call) {
  if (!messages.is_array()) return "messages: Input should be a valid list";
  if (messages.empty()) return "messages: at least one message is required";
  for (size_t i = 0; i < messages.size(); ++i) {
    const Json& m = messages[i];
    auto role = m.is_object() ? m.find("role") : m.end();
    if (!m.is_object() || role == m.end() || !role->is_string()) {
      return "messages." + std::to_string(i) + ".role: Field required";
    }
    const std::string r = role->get<std::string>();
    if (r != "user" && r != "assistant") {  // system text goes to the top-level "system"
      return "messages." + std::to_string(i) + ".role: Input should be 'user' or 'assistant'";
    }
    std::string text = m.contains("content") ? ContentText(m.at("content")) : "";
    call.chars += CountChars(text);
    if (r == "user") AppendLine(call.user_text, text);
  }
  return std::nullopt;
}

/// Tools count towards input; a forced tool (tool_choice {type: "tool"}) is the answer's schema.
std::optional<std::string> ReadTools(const Json& body, ParsedCall& call) {
  auto tools = body.find("tools");
  if (tools == body.end() || !tools->is_array()) return std::nullopt;
  std::string forced;
  if (auto choice = body.find("tool_choice"); choice != body.end() && choice->is_object() &&
                                              choice->value("type", std::string()) == "tool") {
    forced = choice->value("name", std::string());
  }
  bool found = forced.empty();
  for (const Json& tool : *tools) {
    if (!tool.is_object()) continue;
    std::string name = tool.value("name", std::string());
    call.chars += CountChars(name) + CountChars(tool.value("description", std::string()));
    auto schema = tool.find("input_schema");
    std::string schema_text = schema != tool.end() ? Dump(*schema) : "";
    call.chars += CountChars(schema_text);
    if (!forced.empty() && name == forced && schema != tool.end() && schema->is_object()) {
      call.schema = &*schema;
      call.schema_text = std::move(schema_text);
      call.tool_name = name;
      found = true;
    }
  }
  if (!found) return "tool_choice: tool '" + forced + "' is not among the tools given";
  return std::nullopt;
}

/// The structured-outputs form: output_format {type: "json_schema", schema}, answered as text.
void ReadOutputFormat(const Json& body, ParsedCall& call) {
  auto format = body.find("output_format");
  if (format == body.end() || !format->is_object() || call.schema) return;
  auto schema = format->find("schema");
  if (format->value("type", std::string()) == "json_schema" && schema != format->end() &&
      schema->is_object()) {
    call.schema = &*schema;
    call.schema_text = Dump(*schema);
    call.chars += CountChars(call.schema_text);
  }
}

// Characters of a tool as ReadTools counts them: name, description, input schema.
int64_t ToolChars(const Json& tool) {
  if (!tool.is_object()) return 0;
  auto schema = tool.find("input_schema");
  return CountChars(tool.value("name", std::string())) +
         CountChars(tool.value("description", std::string())) +
         (schema != tool.end() ? CountChars(Dump(*schema)) : 0);
}

// The prompt-cache prefix (https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching):
// tools, then system, then messages, up to and including the first block that carries
// cache_control. Appends the blocks' bytes and characters; returns the marker, or null.
struct PrefixWalk {
  std::string bytes;
  int64_t chars = 0;
  const Json* marker = nullptr;

  void Content(const Json& content) {
    if (marker) return;
    if (content.is_string()) {
      bytes += Dump(content);
      chars += CountChars(content.get<std::string>());
      return;
    }
    if (!content.is_array()) return;
    for (const Json& block : content) {
      bytes += Dump(block);
      if (block.is_object() && block.value("type", std::string()) == "text") {
        chars += CountChars(block.value("text", std::string()));
      }
      auto control = block.is_object() ? block.find("cache_control") : block.end();
      if (block.is_object() && control != block.end() && control->is_object()) {
        marker = &*control;
        return;
      }
    }
  }
};

void ReadCachePrefix(const Json& body, ParsedCall& call) {
  PrefixWalk walk;
  if (auto tools = body.find("tools"); tools != body.end() && tools->is_array()) {
    walk.bytes += Dump(*tools);
    for (const Json& tool : *tools) walk.chars += ToolChars(tool);
  }
  if (auto system = body.find("system"); system != body.end()) walk.Content(*system);
  const Json& messages = body.at("messages");
  for (size_t i = 0; i < messages.size() && !walk.marker; ++i) {
    walk.bytes += messages[i].value("role", std::string());
    if (auto content = messages[i].find("content"); content != messages[i].end()) {
      walk.Content(*content);
    }
  }
  if (!walk.marker) return;
  call.cache_prefixes = {CachePrefix{walk.chars, HashBytes(walk.bytes)}};
  const bool hour = walk.marker->value("ttl", std::string()) == "1h";
  call.cache_ttl_ms = (hour ? 60 : 5) * 60 * 1000;
}

Json ErrorBody(const std::string& type, const std::string& message, const ReplyIds& ids) {
  return Json{{"type", "error"},
              {"error", {{"type", type}, {"message", message}}},
              {"request_id", ids.request}};
}

const char* StopReason(const Completion& c) {
  switch (c.finish) {
    case Completion::Finish::kLength:
      return "max_tokens";
    case Completion::Finish::kRefusal:
      return "refusal";
    case Completion::Finish::kStop:
      break;
  }
  return c.tool_input ? "tool_use" : "end_turn";
}

class AnthropicFormat final : public WireFormat {
 public:
  SimulatorApi api() const override { return SimulatorApi::kAnthropic; }
  const char* request_id_header() const override { return "request-id"; }

  std::optional<std::string_view> ApiKey(const MockRequest& request) const override {
    if (auto key = FindHeader(request.headers, "x-api-key")) return key;
    auto auth = FindHeader(request.headers, "authorization");
    if (!auth || auth->substr(0, 7) != "Bearer ") return std::nullopt;
    return auth->substr(7);
  }

  std::optional<std::string> HeaderProblem(const MockRequest& request) const override {
    if (FindHeader(request.headers, "anthropic-version")) return std::nullopt;
    return "anthropic-version: header is required";
  }

  std::variant<ParsedCall, std::string> Parse(const Json& body) const override {
    ParsedCall call;
    auto model = body.find("model");
    if (model == body.end() || !model->is_string()) return "model: Field required";
    call.model = model->get<std::string>();
    auto max_tokens = body.find("max_tokens");
    if (max_tokens == body.end() || !max_tokens->is_number_integer()) {
      return "max_tokens: Field required";
    }
    call.max_tokens = max_tokens->get<int64_t>();
    if (!body.contains("messages")) return "messages: Field required";
    if (auto problem = ReadMessages(body.at("messages"), call)) return *problem;
    if (body.contains("system")) {
      call.system_text = ContentText(body.at("system"));
      call.chars += CountChars(call.system_text);
    }
    if (body.value("stream", false)) return "stream: the simulator does not stream";
    if (auto problem = ReadTools(body, call)) return *problem;
    ReadOutputFormat(body, call);
    ReadCachePrefix(body, call);
    return call;
  }

  ReplyIds MakeIds(uint64_t bits) const override {
    return {"msg_01" + Base62(bits, 22), "req_011C" + Base62(bits + 7, 20),
            "toolu_01" + Base62(bits + 13, 22)};
  }

  std::string RenderCompletion(const std::string& model, const std::string& tool_name,
                               const Completion& c, const ReplyIds& ids, int64_t) const override {
    Json content = Json::array();
    if (c.tool_input) {
      content.push_back({{"type", "tool_use"},
                         {"id", ids.tool_use},
                         {"name", tool_name},
                         {"input", *c.tool_input}});
    } else {
      content.push_back({{"type", "text"},
                         {"text", c.finish == Completion::Finish::kRefusal ? kRefusal : c.text}});
    }
    Json usage = {{"input_tokens", c.input_tokens - c.cached_tokens - c.cache_write_tokens},
                  {"cache_creation_input_tokens", c.cache_write_tokens},
                  {"cache_read_input_tokens", c.cached_tokens},
                  {"output_tokens", c.output_tokens},
                  {"service_tier", "standard"}};
    if (c.cache_creation_split) {  // the write split by TTL, as the API reports it
      usage["cache_creation"] = {
          {"ephemeral_5m_input_tokens", c.cache_write_tokens - c.cache_write_1h_tokens},
          {"ephemeral_1h_input_tokens", c.cache_write_1h_tokens}};
    }
    Json body = {{"id", ids.response},
                 {"type", "message"},
                 {"role", "assistant"},
                 {"model", model},
                 {"content", std::move(content)},
                 {"stop_reason", StopReason(c)},
                 {"stop_sequence", nullptr},
                 {"usage", std::move(usage)}};
    return Dump(body);
  }

  std::pair<int, std::string> RenderFailure(const Failure& f, const ReplyIds& ids) const override {
    auto error = [&](int status, const char* type, const std::string& message) {
      return std::pair<int, std::string>{status, Dump(ErrorBody(type, message, ids))};
    };
    switch (f.kind) {
      case FailureKind::kBadJson:
        return error(400, "invalid_request_error", "The request body is not valid JSON.");
      case FailureKind::kInvalidRequest:
        return error(400, "invalid_request_error", f.detail);
      case FailureKind::kMissingKey:
        return error(401, "authentication_error", "x-api-key header is required");
      case FailureKind::kWrongKey:
        return error(401, "authentication_error", "invalid x-api-key");
      case FailureKind::kUnknownModel:
        return error(404, "not_found_error", "model: " + f.detail);
      case FailureKind::kNoRoute:
        return error(404, "not_found_error", "Not Found");
      case FailureKind::kQuota:
        return error(400, "invalid_request_error", kQuotaMessage);
      case FailureKind::kRateLimit:
        return error(429, "rate_limit_error", RateLimitMessage(f));
      case FailureKind::kServer:
        return error(500, "api_error", "Internal server error");
      case FailureKind::kOverloaded:
        return error(529, "overloaded_error", "Overloaded");
    }
    return error(500, "api_error", "Internal server error");
  }

  void AddRateLimitHeaders(const RateHeaders& values,
                           std::vector<HttpHeader>& headers) const override {
    auto add = [&](const std::optional<QuotaHeader>& q, const std::string& quota) {
      if (!q) return;
      const std::string prefix = "anthropic-ratelimit-" + quota + "-";
      headers.push_back({prefix + "limit", std::to_string(q->limit)});
      headers.push_back({prefix + "remaining", std::to_string(q->remaining)});
      headers.push_back({prefix + "reset", Rfc3339(values.now_unix_ms + q->reset_ms)});
    };
    add(values.requests, "requests");
    add(values.tokens, "tokens");
  }

  std::string RenderModels(const std::vector<const ModelProfile*>& models) const override {
    Json data = Json::array();
    for (const ModelProfile* m : models) {
      data.push_back({{"type", "model"},
                      {"id", m->name},
                      {"display_name", m->name},
                      {"created_at", "2025-01-01T00:00:00Z"}});
    }
    Json body = {{"data", data},
                 {"has_more", false},
                 {"first_id", data.empty() ? Json(nullptr) : data.front().at("id")},
                 {"last_id", data.empty() ? Json(nullptr) : data.back().at("id")}};
    return Dump(body);
  }
};

}  // namespace

const WireFormat& AnthropicWire() {
  static const AnthropicFormat format;
  return format;
}

}  // namespace taskcost::mock
