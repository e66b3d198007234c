#include "harness/mock/responder.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ctime>

#include "harness/core/formats/json_parse.h"
#include "harness/core/model/judge_prompt.h"

namespace taskcost::mock {
namespace {

constexpr size_t kMaxCacheEntries = 200'000;
constexpr int64_t kRefusalTokens = 12;  // output tokens of a refusal, reasoning aside

std::string_view PathOf(std::string_view target) { return target.substr(0, target.find('?')); }

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool FaultsApply(const ModelProfile& model, int attempt) {
  const auto& only = model.fault_attempts;
  return only.empty() || std::find(only.begin(), only.end(), attempt) != only.end();
}

std::chrono::microseconds Jittered(double ms, const LatencyModel& latency, const Draws& draws) {
  ms *= 1 + latency.jitter * (2 * draws.Unit("latency") - 1);
  return std::chrono::microseconds(std::llround(std::max(0.0, ms) * 1000));
}

int64_t OutputTokens(const OutputTokenModel& m, int64_t free_words, const std::string& text) {
  switch (m.kind) {
    case OutputTokenModel::Kind::kFixed:
      return m.fixed;
    case OutputTokenModel::Kind::kCharsDiv4:
      return (CountChars(text) + 3) / 4;
    case OutputTokenModel::Kind::kWords:
      break;
  }
  return static_cast<int64_t>(
      std::ceil(m.base + m.per_field_word * static_cast<double>(free_words) - 1e-9));
}

/// The first half of an object's fields: what a tool call cut off by max_tokens had written.
Json FirstHalf(const Json& value) {
  Json out = Json::object();
  if (!value.is_object()) return out;
  size_t keep = value.size() / 2, i = 0;
  for (auto it = value.begin(); it != value.end() && i < keep; ++it, ++i) out[it.key()] = *it;
  return out;
}

/// Applies the content faults (and truncation at max_tokens) to a composed answer.
void Spoil(Fault fault, std::optional<int64_t> max_tokens, const Draws& draws, Completion& c) {
  const bool over_limit = max_tokens && c.output_tokens > *max_tokens;
  if (fault == Fault::kMalformedJson) {
    c.text = BreakJson(c.text, draws.Bits("malformed"));
    c.tool_input.reset();  // Anthropic: a text block instead of the forced tool_use
  } else if (fault == Fault::kTruncated || over_limit) {
    c.finish = Completion::Finish::kLength;
    c.text = TruncateJson(c.text);
    if (c.tool_input) c.tool_input = FirstHalf(*c.tool_input);
    if (max_tokens) c.output_tokens = std::max<int64_t>(0, *max_tokens);
  } else if (fault == Fault::kRefusal) {
    c.finish = Completion::Finish::kRefusal;
    c.text.clear();
    c.tool_input.reset();
    c.output_tokens = kRefusalTokens + c.reasoning_tokens;
  }
}

// An LLM judge's verdict, as a judge who knows the right answers would give it: the share of
// the sample's mapped fields the graded answer got right is the score, all right is a pass. With
// probability 1 - accuracy the judge errs and says the opposite (pass flipped, score 1 - share).
// Only a verdict-shaped answer (pass, score, reason) is changed.
void JudgeLikeAJudge(const std::string& graded, const std::map<std::string, Json>& expected,
                     double accuracy, const Draws& draws, Json& verdict) {
  if (!verdict.is_object() || !verdict.contains("pass") || !verdict.contains("score") ||
      expected.empty()) {
    return;
  }
  const Json answer = Json::parse(graded, nullptr, /*allow_exceptions=*/false);
  size_t right = 0;
  for (const auto& [path, value] : expected) {
    std::string pointer;
    for (size_t start = 0; start <= path.size();) {  // "vendor.name" -> "/vendor/name"
      const size_t dot = std::min(path.find('.', start), path.size());
      pointer += "/" + path.substr(start, dot - start);
      start = dot + 1;
    }
    const Json::json_pointer at(pointer);
    if (answer.is_object() && answer.contains(at) && answer.at(at) == value) ++right;
  }
  const bool all = right == expected.size();
  const double share = static_cast<double>(right) / static_cast<double>(expected.size());
  const bool errs = draws.Unit("judge", HashBytes(graded)) >= accuracy;
  verdict["pass"] = errs ? !all : all;
  verdict["score"] = errs ? 1 - share : share;
  if (verdict.contains("reason")) {
    verdict["reason"] = std::to_string(right) + " of " + std::to_string(expected.size()) +
                        " fields as expected" + (errs ? " (the simulated judge errs here)" : "");
  }
}

}  // namespace

std::string_view FaultName(Fault f) {
  switch (f) {
    case Fault::kNone:
      return "none";
    case Fault::kMalformedJson:
      return "malformed_json";
    case Fault::kSchemaViolation:
      return "schema_violation";
    case Fault::kRateLimit:
      return "rate_limit";
    case Fault::kServerError:
      return "server_error";
    case Fault::kOverloaded:
      return "overloaded";
    case Fault::kTruncated:
      return "truncated";
    case Fault::kRefusal:
      return "refusal";
    case Fault::kReset:
      return "reset";
    case Fault::kStall:
      return "stall";
  }
  return "none";
}

Responder::Responder(SimulatorProfile profile) : profile_(std::move(profile)) {
  if (profile_.rate_limit.enabled()) shared_window_.emplace(profile_.rate_limit);
  for (const ModelProfile& m : profile_.models) {
    if (m.rate_limit.enabled()) model_windows_.emplace(m.name, RateWindow(m.rate_limit));
  }
  for (const AnswerSample& sample : profile_.answers.samples) {
    std::map<std::string, Json> expected;
    for (const auto& [field, text] : sample.expected) {
      Json value = Json::parse(text, nullptr, /*allow_exceptions=*/false);
      if (value.is_discarded()) continue;
      auto& seen = alternatives_[field];
      if (std::find(seen.begin(), seen.end(), value) == seen.end()) seen.push_back(value);
      expected.emplace(field, std::move(value));
    }
    expected_.push_back(std::move(expected));
  }
}

std::map<std::string, int64_t> Responder::FaultCounts() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return fault_counts_;
}

int64_t Responder::RateLimited() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return rate_limited_;
}

MockReply Responder::Handle(const MockRequest& request) {
  now_unix_ms_ = request.received_unix_ms;
  const std::string_view path = PathOf(request.target);
  const bool post = request.method == "POST";
  if (post && EndsWith(path, "/chat/completions")) return Chat(OpenAiWire(), request);
  if (post && EndsWith(path, "/messages")) return Chat(AnthropicWire(), request);
  const bool anthropic = FindHeader(request.headers, "anthropic-version") ||
                         FindHeader(request.headers, "x-api-key") || EndsWith(path, "/messages");
  const WireFormat& wire = anthropic ? AnthropicWire() : OpenAiWire();
  if (auto failure = CheckKey(wire, request)) {
    return FailureReply(wire, *failure, NextIds(wire), {});
  }
  if (request.method == "GET" && EndsWith(path, "/models")) return Models(wire);
  Failure no_route{FailureKind::kNoRoute, request.method + " " + std::string(path)};
  return FailureReply(wire, no_route, NextIds(wire), {});
}

std::optional<Responder::AttemptOf> Responder::ClientAttempt(
    const std::vector<HttpHeader>& headers) {
  auto number = [&](std::string_view name) -> std::optional<int> {
    const std::optional<std::string_view> text = FindHeader(headers, name);
    if (!text) return std::nullopt;
    int value = 0;
    auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (error != std::errc() || end != text->data() + text->size() || value < 0) {
      return std::nullopt;
    }
    return value;
  };
  const std::optional<int> attempt = number("x-taskcost-attempt");
  if (!attempt || *attempt < 1) return std::nullopt;
  return AttemptOf{*attempt, number("x-taskcost-repeat").value_or(0)};
}

MockReply Responder::Chat(const WireFormat& wire, const MockRequest& request) {
  if (auto failure = CheckKey(wire, request)) {
    return FailureReply(wire, *failure, NextIds(wire), {});
  }
  if (auto problem = wire.HeaderProblem(request)) {
    return FailureReply(wire, {FailureKind::kInvalidRequest, *problem}, NextIds(wire), {});
  }
  const uint64_t body_hash = Combine(HashBytes(request.body), static_cast<uint64_t>(wire.api()));
  auto understood = Understand(wire, request.body, body_hash);
  if (auto* failure = std::get_if<Failure>(&understood)) {
    return FailureReply(wire, *failure, NextIds(wire), {});
  }
  const CallInfo& call = *std::get<const CallInfo*>(understood);
  const ModelProfile* model = profile_.FindModel(call.model);
  if (!model || (model->api != SimulatorApi::kAny && model->api != wire.api())) {
    return FailureReply(wire, {FailureKind::kUnknownModel, call.model}, NextIds(wire), {});
  }
  if (model->quota_exhausted) {
    return FailureReply(wire, {FailureKind::kQuota, ""}, NextIds(wire), {});
  }
  // A request a full window refuses never reaches the model: it is not an attempt, so its
  // retry gets the draws it would have had.
  int& seen = attempts_[body_hash];
  const std::vector<RateWindow*> windows = WindowsOf(*model);
  AttemptOf attempt{seen + 1, 0};
  if (auto told = ClientAttempt(request.headers)) attempt = *told;
  Answered answered = Answer(wire, call, *model, attempt, !windows.empty());
  if (auto refused = Admit(wire, *model, windows, answered, request)) return *refused;
  ++seen;
  CountFault(answered.fault);
  return std::move(answered.reply);
}

std::vector<RateWindow*> Responder::WindowsOf(const ModelProfile& model) {
  std::vector<RateWindow*> windows;
  if (shared_window_) windows.push_back(&*shared_window_);
  if (auto it = model_windows_.find(model.name); it != model_windows_.end()) {
    windows.push_back(&it->second);
  }
  return windows;
}

std::optional<MockReply> Responder::Admit(const WireFormat& wire, const ModelProfile& model,
                                          const std::vector<RateWindow*>& windows,
                                          Answered& answered, const MockRequest& request) {
  if (windows.empty()) return std::nullopt;
  const auto now = request.received;
  RateWindow* refusing = nullptr;
  std::chrono::microseconds wait{0};
  for (RateWindow* w : windows) {
    if (auto w_wait = w->WaitFor(answered.tokens, now); w_wait > wait) {
      wait = w_wait;
      refusing = w;
    }
  }
  if (refusing) {
    Failure f{FailureKind::kRateLimit, model.name};
    f.retry_after_ms = (wait.count() + 999) / 1000;
    f.retry_after_s = (f.retry_after_ms + 999) / 1000;
    f.window = refusing->Headers(now, request.received_unix_ms);
    f.tokens_refused = refusing->TokensRefuse(answered.tokens, now);
    f.requested = f.tokens_refused ? answered.tokens : 1;
    const LatencyModel& l = model.latency;
    const double error_ms = l.error_ms.value_or(l.base_ms / 10);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ++rate_limited_;
    }
    return FailureReply(wire, f, NextIds(wire),
                        std::chrono::microseconds(std::llround(error_ms * 1000)));
  }
  for (RateWindow* w : windows) w->Charge(answered.tokens, now);
  // The model's own window is the one its headers describe; else the shared one.
  wire.AddRateLimitHeaders(windows.back()->Headers(now, request.received_unix_ms),
                           answered.reply.headers);
  return std::nullopt;
}

Responder::Answered Responder::Answer(const WireFormat& wire, const CallInfo& call,
                                      const ModelProfile& model, AttemptOf of, bool windowed) {
  const int attempt = of.attempt;
  const Draws draws(profile_.seed, call.model, call.key_hash, attempt, of.repeat);
  const ReplyIds ids = wire.MakeIds(draws.Bits("ids"));
  Answered out;
  out.fault = PickFault(model, draws, attempt);
  const LatencyModel& l = model.latency;
  const auto error_delay = Jittered(l.error_ms.value_or(l.base_ms / 10), l, draws);
  const int64_t retry_after = model.faults.retry_after_s;
  const bool fault_headers = !windowed;
  switch (out.fault) {
    case Fault::kRateLimit:
      out.reply = FailureReply(wire, {FailureKind::kRateLimit, call.model, retry_after}, ids,
                               error_delay, fault_headers);
      return out;
    case Fault::kServerError:
      out.reply = FailureReply(wire, {FailureKind::kServer, ""}, ids, error_delay);
      return out;
    case Fault::kOverloaded:
      out.reply = FailureReply(wire, {FailureKind::kOverloaded, "", retry_after}, ids, error_delay);
      return out;
    case Fault::kStall:
      out.reply.action = ReplyAction::kStall;
      return out;
    default:
      break;
  }
  const Completion completion = Compose(call, model, draws, out.fault);
  MockReply& reply = out.reply;
  reply.delay = Jittered(l.base_ms + l.per_output_token_ms * double(completion.output_tokens) +
                             l.per_input_token_ms * double(completion.input_tokens),
                         l, draws);
  if (out.fault == Fault::kReset) {
    reply.action = ReplyAction::kReset;
    return out;
  }
  out.tokens = completion.input_tokens + completion.output_tokens;
  reply.headers = {{"content-type", "application/json"}, {wire.request_id_header(), ids.request}};
  reply.body =
      wire.RenderCompletion(call.model, call.tool_name, completion, ids, std::time(nullptr));
  if (model.faults.slow_body_ms > 0 && FaultsApply(model, attempt)) {
    reply.slow_body = std::chrono::milliseconds(model.faults.slow_body_ms);
  }
  return out;
}

std::variant<const CallInfo*, Failure> Responder::Understand(const WireFormat& wire,
                                                             const std::string& body,
                                                             uint64_t body_hash) {
  if (auto it = calls_.find(body_hash); it != calls_.end()) return &it->second;
  // Bounded (json_parse.h): a request nested too deep is bad JSON, not a crash of the simulator.
  const Json json = ParseBoundedJson<Json>(body, nullptr).value_or(Json(Json::value_t::discarded));
  if (json.is_discarded() || !json.is_object()) return Failure{FailureKind::kBadJson, ""};
  std::variant<ParsedCall, std::string> parsed;
  try {
    parsed = wire.Parse(json);
  } catch (const Json::exception& e) {
    parsed = std::string("invalid request: ") + e.what();
  }
  if (auto* problem = std::get_if<std::string>(&parsed)) {
    return Failure{FailureKind::kInvalidRequest, *problem};
  }
  const ParsedCall& p = std::get<ParsedCall>(parsed);
  CallInfo info;
  info.model = p.model;
  info.chars = p.chars;
  info.schema = SchemaOf(p);
  info.tool_name = info.schema ? p.tool_name : "";
  info.max_tokens = p.max_tokens;
  info.cache_prefixes = p.cache_prefixes;
  info.cache_ttl_ms = p.cache_ttl_ms;
  info.anthropic = wire.api() == SimulatorApi::kAnthropic;
  info.sample = FindSample(p.user_text);
  if (const size_t at = p.user_text.rfind(kJudgeAnswerHeading); at != std::string::npos) {
    info.graded = p.user_text.substr(at + kJudgeAnswerHeading.size());
  }
  info.key_hash =
      HashBytes(info.sample >= 0 ? profile_.answers.samples[size_t(info.sample)].key : p.user_text);
  if (calls_.size() >= kMaxCacheEntries) calls_.clear();  // a cache: attempts_ is kept
  return &calls_.emplace(body_hash, std::move(info)).first->second;
}

Completion Responder::Compose(const CallInfo& call, const ModelProfile& model, const Draws& draws,
                              Fault fault) {
  AnswerInputs in;
  in.draws = &draws;
  in.accuracy = model.accuracy;
  in.tokens = &model.output_tokens;
  in.expected = call.sample >= 0 ? &expected_[static_cast<size_t>(call.sample)] : nullptr;
  in.alternatives = &alternatives_;
  GeneratedAnswer answer;
  try {
    answer = call.schema ? GenerateAnswer(*call.schema, in) : GenerateGenericAnswer(in);
  } catch (const Json::exception&) {  // a schema with ill-typed keywords: answer generically
    answer = GenerateGenericAnswer(in);
  }
  if (!call.graded.empty() && call.sample >= 0) {
    JudgeLikeAJudge(call.graded, expected_[static_cast<size_t>(call.sample)], model.accuracy,
                    draws, answer.value);
  }
  if (fault == Fault::kSchemaViolation) {
    ViolateSchema(call.schema ? *call.schema : Json(), answer.value);
  }
  Completion c;
  c.text = Dump(answer.value);
  if (!call.tool_name.empty()) c.tool_input = answer.value;
  c.input_tokens = model.input_tokens.chars_div_4 ? (call.chars + 3) / 4 : model.input_tokens.fixed;
  c.cached_tokens = static_cast<int64_t>(double(c.input_tokens) * model.cached_input_fraction);
  c.cache_write_tokens = static_cast<int64_t>(double(c.input_tokens) * model.cache_write_fraction);
  UseCache(call, model, c);
  c.reasoning_tokens = model.reasoning_tokens;
  c.output_tokens =
      OutputTokens(model.output_tokens, answer.free_words, c.text) + c.reasoning_tokens;
  Spoil(fault, call.max_tokens, draws, c);
  return c;
}

void Responder::UseCache(const CallInfo& call, const ModelProfile& model, Completion& c) {
  if (model.cache_min_tokens <= 0 || call.cache_prefixes.empty()) return;
  // What this request writes can be read once its response begins: after the base latency.
  const int64_t ready = now_unix_ms_ + static_cast<int64_t>(model.latency.base_ms);
  if (!call.anthropic) {
    c.cached_tokens = prompt_cache_
                          .OpenAi(call.model, call.cache_prefixes, model.cache_min_tokens,
                                  c.input_tokens, now_unix_ms_, ready)
                          .read;
    return;
  }
  const CacheUse use =
      prompt_cache_.Anthropic(call.model, call.cache_prefixes.front(), call.cache_ttl_ms,
                              model.cache_min_tokens, c.input_tokens, now_unix_ms_, ready);
  c.cached_tokens = use.read;
  c.cache_write_tokens = use.written;
  c.cache_write_1h_tokens = call.cache_ttl_ms >= 60 * 60 * 1000 ? use.written : 0;
  c.cache_creation_split = true;
}

std::shared_ptr<const Json> Responder::SchemaOf(const ParsedCall& call) {
  if (!call.schema) {
    if (auto s = PromptSchema(call.system_text)) return s;
    return PromptSchema(call.user_text);
  }
  auto [it, inserted] = schemas_.emplace(HashBytes(call.schema_text), nullptr);
  if (inserted) it->second = std::make_shared<const Json>(*call.schema);
  return it->second;
}

std::shared_ptr<const Json> Responder::PromptSchema(const std::string& text) {
  if (text.empty()) return nullptr;
  if (schemas_.size() >= kMaxCacheEntries) schemas_.clear();
  auto [it, inserted] = schemas_.emplace(HashBytes(text, /*seed=*/1), nullptr);
  if (inserted) {
    if (std::optional<Json> found = FindEmbeddedSchema(text)) {
      it->second = std::make_shared<const Json>(std::move(*found));
    }
  }
  return it->second;
}

int Responder::FindSample(const std::string& user_text) const {
  const auto& samples = profile_.answers.samples;
  int best = -1;
  size_t best_length = 0;
  for (size_t i = 0; i < samples.size(); ++i) {
    const std::string& key = samples[i].key;
    if (key.size() > best_length && user_text.find(key) != std::string::npos) {
      best = static_cast<int>(i);
      best_length = key.size();
    }
  }
  return best;
}

Fault Responder::PickFault(const ModelProfile& model, const Draws& draws, int attempt) const {
  if (!FaultsApply(model, attempt)) return Fault::kNone;
  const FaultRates& f = model.faults;
  const std::pair<double, Fault> order[] = {{f.malformed_json, Fault::kMalformedJson},
                                            {f.schema_violation, Fault::kSchemaViolation},
                                            {f.rate_limit, Fault::kRateLimit},
                                            {f.server_error, Fault::kServerError},
                                            {f.overloaded, Fault::kOverloaded},
                                            {f.truncated, Fault::kTruncated},
                                            {f.refusal, Fault::kRefusal},
                                            {f.reset, Fault::kReset},
                                            {f.stall, Fault::kStall}};
  const double u = draws.Unit("fault");
  double cumulative = 0;
  for (const auto& [rate, fault] : order) {
    cumulative += rate;
    if (rate > 0 && u < cumulative) return fault;
  }
  return Fault::kNone;
}

void Responder::CountFault(Fault fault) {
  if (fault == Fault::kNone) return;
  std::lock_guard<std::mutex> lock(mutex_);
  ++fault_counts_[std::string(FaultName(fault))];
}

std::optional<Failure> Responder::CheckKey(const WireFormat& wire,
                                           const MockRequest& request) const {
  if (!profile_.require_key) return std::nullopt;
  std::optional<std::string_view> key = wire.ApiKey(request);
  if (!key || key->empty()) return Failure{FailureKind::kMissingKey, ""};
  if (!profile_.api_key.empty() && *key != profile_.api_key) {
    return Failure{FailureKind::kWrongKey, ""};
  }
  return std::nullopt;
}

ReplyIds Responder::NextIds(const WireFormat& wire) {
  return wire.MakeIds(Combine(Mix64(profile_.seed), ++sequence_));
}

MockReply Responder::FailureReply(const WireFormat& wire, const Failure& failure,
                                  const ReplyIds& ids, std::chrono::microseconds delay,
                                  bool fault_headers) const {
  MockReply reply;
  std::tie(reply.status, reply.body) = wire.RenderFailure(failure, ids);
  reply.delay = delay;
  reply.headers = {{"content-type", "application/json"}, {wire.request_id_header(), ids.request}};
  if (failure.kind == FailureKind::kRateLimit || failure.kind == FailureKind::kOverloaded) {
    reply.headers.push_back({"retry-after", std::to_string(failure.retry_after_s)});
  }
  if (failure.kind != FailureKind::kRateLimit) return reply;
  if (failure.window) {
    if (wire.api() == SimulatorApi::kOpenAi) {
      reply.headers.push_back({"retry-after-ms", std::to_string(failure.retry_after_ms)});
    }
    wire.AddRateLimitHeaders(*failure.window, reply.headers);
  } else if (fault_headers) {
    // An injected fault, not a real window: a made-up, exhausted quota of the usual size.
    const int64_t limit = wire.api() == SimulatorApi::kAnthropic ? 50 : 500;
    RateHeaders made_up{QuotaHeader{limit, 0, failure.retry_after_s * 1000}, std::nullopt,
                        now_unix_ms_};
    wire.AddRateLimitHeaders(made_up, reply.headers);
  }
  return reply;
}

MockReply Responder::Models(const WireFormat& wire) const {
  std::vector<const ModelProfile*> models;
  for (const ModelProfile& m : profile_.models) {
    if (m.api == SimulatorApi::kAny || m.api == wire.api()) models.push_back(&m);
  }
  MockReply reply;
  reply.headers = {{"content-type", "application/json"}};
  reply.body = wire.RenderModels(models);
  return reply;
}

}  // namespace taskcost::mock
