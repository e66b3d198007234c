// The OpenAI Chat Completions wire format: POST /v1/chat/completions, Bearer auth, native
// structured output through response_format.json_schema, errors as {"error": {...}}.
#include <cstdio>

#include "harness/mock/wire.h"

namespace taskcost::mock {
namespace {

constexpr const char* kBadJsonMessage =
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't "
    "using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was "
    "sent was not valid JSON. If you have trouble figuring out how to fix this, please contact "
    "us through our help center at help.openai.com.)";
constexpr const char* kMissingKeyMessage =
    "You didn't provide an API key. You need to provide your API key in an Authorization "
    "header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY). You can obtain an API key "
    "from https://platform.openai.com/account/api-keys.";
constexpr const char* kWrongKeyMessage =
    "Incorrect API key provided. You can find your API key at "
    "https://platform.openai.com/account/api-keys.";
constexpr const char* kQuotaMessage =
    "You exceeded your current quota, please check your plan and billing details. For more "
    "information on this error, read the docs: "
    "https://platform.openai.com/docs/guides/error-codes/api-errors.";
constexpr const char* kRefusal = "I'm sorry, but I can't help with that request.";

std::optional<std::string> ReadMessages(const Json& messages, ParsedCall& call) {
  if (!messages.is_array()) return "Invalid type for 'messages': expected an array.";
  if (messages.empty()) {
    return "Invalid 'messages': empty array. Expected an array with minimum length 1, but got "
           "an empty array instead.";
  }
  std::string prefix_bytes;
  for (size_t i = 0; i < messages.size(); ++i) {
    const Json& m = messages[i];
    auto role = m.is_object() ? m.find("role") : m.end();
    if (!m.is_object() || role == m.end() || !role->is_string()) {
      return "Missing required parameter: 'messages[" + std::to_string(i) + "].role'.";
    }
    std::string text = m.contains("content") ? ContentText(m.at("content")) : "";
    call.chars += CountChars(text);
    // Automatic prompt caching (https://platform.openai.com/docs/guides/prompt-caching): the
    // simulator matches prefixes at message boundaries.
    prefix_bytes += Dump(m);
    call.cache_prefixes.push_back(CachePrefix{call.chars, HashBytes(prefix_bytes)});
    const std::string r = role->get<std::string>();
    if (r == "system" || r == "developer") AppendLine(call.system_text, text);
    if (r == "user") AppendLine(call.user_text, text);
  }
  return std::nullopt;
}

std::optional<std::string> ReadResponseFormat(const Json& body, ParsedCall& call) {
  auto format = body.find("response_format");
  if (format == body.end() || !format->is_object()) return std::nullopt;
  if (format->value("type", std::string()) != "json_schema") return std::nullopt;
  auto spec = format->find("json_schema");
  if (spec == format->end() || !spec->is_object()) {
    return "Missing required parameter: 'response_format.json_schema'.";
  }
  auto schema = spec->find("schema");
  if (schema != spec->end() && schema->is_object()) {
    call.schema = &*schema;
    call.schema_text = Dump(*schema);
    call.chars += CountChars(call.schema_text);
  }
  return std::nullopt;
}

Json Usage(const Completion& c) {
  return Json{{"prompt_tokens", c.input_tokens},
              {"completion_tokens", c.output_tokens},
              {"total_tokens", c.input_tokens + c.output_tokens},
              {"prompt_tokens_details", {{"cached_tokens", c.cached_tokens}, {"audio_tokens", 0}}},
              {"completion_tokens_details",
               {{"reasoning_tokens", c.reasoning_tokens},
                {"audio_tokens", 0},
                {"accepted_prediction_tokens", 0},
                {"rejected_prediction_tokens", 0}}}};
}

Json ErrorBody(const std::string& message, const std::string& type, const Json& code) {
  return Json{
      {"error", {{"message", message}, {"type", type}, {"param", nullptr}, {"code", code}}}};
}

class OpenAiFormat final : public WireFormat {
 public:
  SimulatorApi api() const override { return SimulatorApi::kOpenAi; }
  const char* request_id_header() const override { return "x-request-id"; }

  std::optional<std::string_view> ApiKey(const MockRequest& request) const override {
    auto auth = FindHeader(request.headers, "authorization");
    if (!auth || auth->substr(0, 7) != "Bearer ") return std::nullopt;
    return auth->substr(7);
  }

  std::optional<std::string> HeaderProblem(const MockRequest&) const override {
    return std::nullopt;
  }

  std::variant<ParsedCall, std::string> Parse(const Json& body) const override {
    ParsedCall call;
    auto model = body.find("model");
    if (model == body.end() || !model->is_string()) return "you must provide a model parameter";
    call.model = model->get<std::string>();
    if (!body.contains("messages")) return "Missing required parameter: 'messages'.";
    if (auto problem = ReadMessages(body.at("messages"), call)) return *problem;
    if (body.value("stream", false)) return "The simulator does not stream; send stream: false.";
    if (auto problem = ReadResponseFormat(body, call)) return *problem;
    for (const char* key : {"max_completion_tokens", "max_tokens"}) {
      auto limit = body.find(key);
      if (limit != body.end() && limit->is_number_integer()) {
        call.max_tokens = limit->get<int64_t>();
        break;
      }
    }
    return call;
  }

  ReplyIds MakeIds(uint64_t bits) const override {
    char hex[40];
    std::snprintf(hex, sizeof hex, "%016llx%016llx", static_cast<unsigned long long>(Mix64(bits)),
                  static_cast<unsigned long long>(Mix64(bits + 1)));
    return {"chatcmpl-" + Base62(bits, 29), std::string("req_") + hex, ""};
  }

  std::string RenderCompletion(const std::string& model, const std::string&, const Completion& c,
                               const ReplyIds& ids, int64_t created_unix) const override {
    const bool refused = c.finish == Completion::Finish::kRefusal;
    Json message = {{"role", "assistant"},
                    {"content", refused ? Json(nullptr) : Json(c.text)},
                    {"refusal", refused ? Json(kRefusal) : Json(nullptr)},
                    {"annotations", Json::array()}};
    Json choice = {{"index", 0},
                   {"message", std::move(message)},
                   {"logprobs", nullptr},
                   {"finish_reason", c.finish == Completion::Finish::kLength ? "length" : "stop"}};
    Json body = {{"id", ids.response},
                 {"object", "chat.completion"},
                 {"created", created_unix},
                 {"model", model},
                 {"choices", Json::array({std::move(choice)})},
                 {"usage", Usage(c)},
                 {"service_tier", "default"},
                 {"system_fingerprint", "fp_" + Base62(HashBytes(model), 10)}};
    return Dump(body);
  }

  std::pair<int, std::string> RenderFailure(const Failure& f, const ReplyIds&) const override {
    switch (f.kind) {
      case FailureKind::kBadJson:
        return {400, Dump(ErrorBody(kBadJsonMessage, "invalid_request_error", nullptr))};
      case FailureKind::kInvalidRequest:
        return {400, Dump(ErrorBody(f.detail, "invalid_request_error", nullptr))};
      case FailureKind::kMissingKey:
        return {401, Dump(ErrorBody(kMissingKeyMessage, "invalid_request_error", nullptr))};
      case FailureKind::kWrongKey:
        return {401, Dump(ErrorBody(kWrongKeyMessage, "invalid_request_error", "invalid_api_key"))};
      case FailureKind::kUnknownModel:
        return {404, Dump(ErrorBody("The model `" + f.detail +
                                        "` does not exist or you do not have access to it.",
                                    "invalid_request_error", "model_not_found"))};
      case FailureKind::kNoRoute:
        return {404, Dump(ErrorBody("Invalid URL (" + f.detail + ")", "invalid_request_error",
                                    nullptr))};
      case FailureKind::kQuota:
        return {429, Dump(ErrorBody(kQuotaMessage, "insufficient_quota", "insufficient_quota"))};
      case FailureKind::kRateLimit:
        return {429, Dump(ErrorBody(RateLimitMessage(f), f.tokens_refused ? "tokens" : "requests",
                                    "rate_limit_exceeded"))};
      case FailureKind::kServer:
        return {500, Dump(ErrorBody("The server had an error while processing your request. "
                                    "Sorry about that!",
                                    "server_error", nullptr))};
      case FailureKind::kOverloaded:
        return {503, Dump(ErrorBody("The engine is currently overloaded, please try again later.",
                                    "server_error", nullptr))};
    }
    return {500, Dump(ErrorBody("unknown failure", "server_error", nullptr))};
  }

  void AddRateLimitHeaders(const RateHeaders& values,
                           std::vector<HttpHeader>& headers) const override {
    auto add = [&](const std::optional<QuotaHeader>& q, const std::string& quota) {
      if (!q) return;
      headers.push_back({"x-ratelimit-limit-" + quota, std::to_string(q->limit)});
      headers.push_back({"x-ratelimit-remaining-" + quota, std::to_string(q->remaining)});
      headers.push_back({"x-ratelimit-reset-" + quota, GoDuration(q->reset_ms)});
    };
    add(values.requests, "requests");
    add(values.tokens, "tokens");
  }

  std::string RenderModels(const std::vector<const ModelProfile*>& models) const override {
    Json data = Json::array();
    for (const ModelProfile* m : models) {
      data.push_back(
          {{"id", m->name}, {"object", "model"}, {"created", 1700000000}, {"owned_by", "system"}});
    }
    return Dump(Json{{"object", "list"}, {"data", std::move(data)}});
  }

 private:
  static std::string RateLimitMessage(const Failure& f) {
    std::string quota = "requests per min (RPM)";
    int64_t limit = 500, used = 500;
    std::string wait = std::to_string(f.retry_after_s) + "s";
    if (f.window) {
      const auto& q = f.tokens_refused ? f.window->tokens : f.window->requests;
      if (f.tokens_refused) quota = "tokens per min (TPM)";
      if (q) limit = q->limit, used = q->limit - q->remaining;
      wait = GoDuration(f.retry_after_ms);
    }
    return "Rate limit reached for " + f.detail + " in organization org-simulator on " + quota +
           ": Limit " + std::to_string(limit) + ", Used " + std::to_string(used) +
           ", Requested " + std::to_string(f.requested) + ". Please try again in " + wait +
           ". Visit https://platform.openai.com/account/rate-limits to learn more.";
  }
};

}  // namespace

const WireFormat& OpenAiWire() {
  static const OpenAiFormat format;
  return format;
}

}  // namespace taskcost::mock
