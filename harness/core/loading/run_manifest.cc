#include "harness/core/loading/run_manifest.h"

#include <limits>
#include <nlohmann/json.hpp>
#include <utility>

#include "harness/core/formats/json_check.h"
#include "harness/core/formats/json_parse.h"
#include "harness/core/formats/json_writer.h"
#include "harness/core/formats/user_json.h"

namespace taskcost {
namespace {

// ordered_json keeps keys in insertion order, so the written key order is the order below, and
// a provider's usage object keeps its own order through a round trip.
using Json = nlohmann::ordered_json;

constexpr int64_t kTokensPerMillion = 1'000'000;
constexpr int kMicroScale = 6;  // micro-minutes, and micro-dollars per 1M tokens

// A field that could not be read: its JSON pointer and what is wrong with it. Thrown inside this
// file only and turned into an Error at each public entry point.
struct BadField {
  std::string pointer;
  std::string message;
};

std::string Dump(const Json& j, int indent) {
  // Invalid UTF-8 (a provider's broken bytes) becomes U+FFFD rather than a crash.
  return j.dump(indent, ' ', false, Json::error_handler_t::replace);
}

// --- reading -----------------------------------------------------------------------------

const Json& Member(const Json& object, const std::string& pointer, const char* key) {
  if (!object.is_object()) {
    throw BadField{pointer.empty() ? "/" : pointer,
                   std::string("expected an object, got ") + object.type_name()};
  }
  auto it = object.find(key);
  if (it == object.end()) throw BadField{pointer + "/" + key, "missing"};
  return it.value();
}

[[noreturn]] void WrongType(const Json& v, const std::string& pointer, const char* expected) {
  throw BadField{pointer, std::string("expected ") + expected + ", got " + v.type_name()};
}

std::string AsString(const Json& v, const std::string& pointer) {
  if (!v.is_string()) WrongType(v, pointer, "a string");
  return v.get<std::string>();
}

bool AsBool(const Json& v, const std::string& pointer) {
  if (!v.is_boolean()) WrongType(v, pointer, "true or false");
  return v.get<bool>();
}

int64_t AsInt64(const Json& v, const std::string& pointer) {
  if (!v.is_number_integer()) WrongType(v, pointer, "an integer");
  if (v.is_number_unsigned() &&
      v.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    throw BadField{pointer, "integer out of range"};
  }
  return v.get<int64_t>();
}

int AsInt(const Json& v, const std::string& pointer) {
  int64_t value = AsInt64(v, pointer);
  if (value < std::numeric_limits<int>::min() || value > std::numeric_limits<int>::max()) {
    throw BadField{pointer, "integer out of range"};
  }
  return static_cast<int>(value);
}

// Reads the members of one JSON object, naming every problem by its JSON pointer.
class Fields {
 public:
  Fields(const Json& object, std::string pointer) : object_(object), pointer_(std::move(pointer)) {
    if (!object_.is_object()) WrongType(object_, pointer_.empty() ? "/" : pointer_, "an object");
  }
  const Json& At(const char* key) const { return Member(object_, pointer_, key); }
  std::string Pointer(const char* key) const { return pointer_ + "/" + key; }
  bool IsNull(const char* key) const { return At(key).is_null(); }
  bool Has(const char* key) const { return object_.is_object() && object_.contains(key); }

  std::string String(const char* key) const { return AsString(At(key), Pointer(key)); }
  bool Bool(const char* key) const { return AsBool(At(key), Pointer(key)); }
  int64_t Int64(const char* key) const { return AsInt64(At(key), Pointer(key)); }
  int Int(const char* key) const { return AsInt(At(key), Pointer(key)); }
  // An optional string member: "" when absent.
  std::string OptionalString(const char* key) const {
    auto it = object_.find(key);
    return it == object_.end() ? std::string() : AsString(it.value(), Pointer(key));
  }
  // An optional boolean member: false when absent.
  bool OptionalBool(const char* key) const {
    auto it = object_.find(key);
    return it != object_.end() && AsBool(it.value(), Pointer(key));
  }
  // An optional number from 0 to 1: nullopt when absent.
  std::optional<double> OptionalScore(const char* key) const {
    auto it = object_.find(key);
    if (it == object_.end()) return std::nullopt;
    if (!it->is_number()) WrongType(*it, Pointer(key), "a number");
    const double v = it->template get<double>();
    if (v < 0 || v > 1) throw BadField{Pointer(key), "must be between 0 and 1"};
    return v;
  }
  // An optional object of strings ("tags"): empty when absent.
  Tags OptionalTags(const char* key) const {
    Tags tags;
    auto it = object_.find(key);
    if (it == object_.end()) return tags;
    if (!it.value().is_object()) WrongType(it.value(), Pointer(key), "an object");
    for (const auto& [name, value] : it.value().items()) {
      tags[name] = AsString(value, Pointer(key) + "/" + name);
    }
    return tags;
  }
  std::optional<int64_t> OptionalInt64(const char* key) const {
    if (IsNull(key)) return std::nullopt;
    return Int64(key);
  }
  Fields Object(const char* key) const { return Fields(At(key), Pointer(key)); }
  const Json& Array(const char* key) const {
    const Json& v = At(key);
    if (!v.is_array()) WrongType(v, Pointer(key), "an array");
    return v;
  }
  std::vector<std::string> Strings(const char* key) const {
    std::vector<std::string> out;
    const Json& array = Array(key);
    for (size_t i = 0; i < array.size(); ++i) {
      out.push_back(AsString(array[i], Pointer(key) + "/" + std::to_string(i)));
    }
    return out;
  }
  // An exact decimal string scaled to 10^-scale units: "0.2" at scale 6 -> 200000.
  int64_t Scaled(const char* key, int scale) const {
    std::string text = String(key);
    Result<int64_t> value = ParseScaledDecimal(text, scale);
    if (!value.ok()) throw BadField{Pointer(key), value.error().message};
    return value.value();
  }

 private:
  const Json& object_;
  std::string pointer_;
};

// Parses `text` and runs `read` on the root; errors carry `file` and the bad field's pointer.
template <class T, class ReadFn>
Result<T> ReadDocument(std::string_view text, const std::string& file, ReadFn read) {
  // Bounded (json_parse.h): nesting too deep and numbers no double holds are refused, located.
  JsonRefusal refusal;
  std::optional<Json> parsed = ParseBoundedJson<Json>(text, &refusal);
  if (!parsed) return MakeError("invalid JSON: " + refusal.Text(), "", SourceLocation{file, 0, 0});
  const Json& root = *parsed;
  try {
    return read(Fields(root, ""));
  } catch (const BadField& bad) {
    return MakeError(bad.message, bad.pointer, SourceLocation{file, 0, 0});
  }
}

// Exact decimal text of value * 10^-scale: FormatScaled(200000, 6) == "0.2".
std::string FormatScaled(int64_t value, int scale) {
  int64_t to_picos = 1;
  for (int i = scale; i < 12; ++i) to_picos *= 10;
  return Money::FromPicos(value).Times(to_picos).ToExactString();
}

// --- attempts ----------------------------------------------------------------------------

// The usage object's keys, in the order written.
constexpr std::pair<const char*, int64_t Usage::*> kUsageFields[] = {
    {"input_tokens", &Usage::input_tokens},
    {"cached_input_tokens", &Usage::cached_input_tokens},
    {"cache_write_tokens", &Usage::cache_write_tokens},
    {"output_tokens", &Usage::output_tokens},
    {"reasoning_tokens", &Usage::reasoning_tokens},
};

Usage UsageFromJson(const Fields& f) {
  Usage u;
  for (const auto& [key, member] : kUsageFields) {
    u.*member = f.Int64(key);
    if (u.*member < 0 || u.*member > kMaxTokensPerCall) {  // beyond what a run journals
      throw BadField{f.Pointer(key), "must be a count from 0 to " +
                                         std::to_string(kMaxTokensPerCall) + " (a call's bound)"};
    }
  }
  if (f.Has("cache_write_1h_tokens")) {  // optional: written only when not 0
    u.cache_write_1h_tokens = f.Int64("cache_write_1h_tokens");
    if (u.cache_write_1h_tokens < 0 || u.cache_write_1h_tokens > u.cache_write_tokens) {
      throw BadField{f.Pointer("cache_write_1h_tokens"),
                     "must be a count from 0 to cache_write_tokens (" +
                         std::to_string(u.cache_write_tokens) + ")"};
    }
  }
  return u;
}

// The provider's usage text as journal JSON: an object or array is embedded as itself, as
// written when it is one line already (the codecs and the journal reader keep it compact), else
// compacted; anything else that is not empty is kept as a string so that nothing is lost;
// nothing is null.
std::string UsageRawText(const std::string& raw) {
  if (raw.empty()) return "null";
  const bool container = raw.front() == '{' || raw.front() == '[';
  if (container && raw.find_first_of("\r\n") == std::string::npos && IsJsonText(raw)) {
    return raw;
  }
  Json parsed = Json::parse(raw, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_object() || parsed.is_array()) return Dump(parsed, -1);
  std::string quoted;
  AppendJsonString(quoted, raw);
  return quoted;
}

std::string UsageRawFromJson(const Json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  return Dump(v, -1);
}

CheckResult CheckFromFields(const Fields& c) {
  CheckResult check{c.String("name"), c.Bool("pass"), c.String("reason")};
  check.score = c.OptionalScore("score");
  check.quality = c.OptionalBool("quality");
  check.scorer_error = c.OptionalBool("scorer_error");
  check.pending = c.OptionalBool("pending");
  return check;
}

std::vector<CheckResult> ChecksFromJson(const Fields& f) {
  std::vector<CheckResult> out;
  const Json& array = f.Array("checks");
  for (size_t i = 0; i < array.size(); ++i) {
    out.push_back(CheckFromFields(Fields(array[i], f.Pointer("checks") + "/" + std::to_string(i))));
  }
  return out;
}

ErrorClass ErrorFromJson(const Fields& f) {
  if (f.IsNull("error")) return ErrorClass::kNone;
  std::string name = f.String("error");
  std::optional<ErrorClass> c = ParseErrorClass(name);
  if (!c) throw BadField{f.Pointer("error"), "unknown error class \"" + name + "\""};
  return *c;
}

void CheckType(const Fields& f, const char* expected) {
  std::string type = f.String("type");
  if (type != expected) {
    throw BadField{f.Pointer("type"),
                   "expected \"" + std::string(expected) + "\", got \"" + type + "\""};
  }
}

// The members an attempt line and a judge line share: the task, the call's timing, outcome,
// usage and cost (Attempt and JudgeCall name them alike).
// The task and attempt a line is about (Attempt, JudgeCall and SentCall name them alike).
template <typename Call>
void ReadCallIdentity(const Fields& f, Call& c) {
  c.sample_id = f.String("sample");
  c.candidate_id = f.String("candidate");
  c.repeat = f.Int("repeat");
  c.attempt = f.Int("attempt");
  c.step = f.OptionalString("step");
}

template <typename Call>
void ReadCallFields(const Fields& f, Call& c) {
  ReadCallIdentity(f, c);
  c.started_unix_ms = f.Int64("started_unix_ms");
  c.latency_us = f.Int64("latency_us");
  c.http_status = f.Int("http_status");
  c.error = ErrorFromJson(f);
  c.error_message = f.String("error_message");
  c.usage = UsageFromJson(f.Object("usage"));
  c.usage_raw = UsageRawFromJson(f.At("usage_raw"));
  c.usage_flag = f.OptionalString("usage_flag");
  c.cost = Money::FromPicos(f.Int64("cost_picousd"));
  if (c.cost < Money()) throw BadField{f.Pointer("cost_picousd"), "must not be negative"};
  c.cached = f.OptionalBool("cached");
}

Attempt AttemptFromFields(const Fields& f) {
  CheckType(f, "attempt");
  Attempt a;
  ReadCallFields(f, a);
  a.retry_after_ms = f.OptionalInt64("retry_after_ms");
  a.finish_reason = f.String("finish_reason");
  a.request_id = f.String("request_id");
  a.output = f.String("output");
  a.validation_errors = f.Strings("validation_errors");
  a.checks = ChecksFromJson(f);
  a.partial = f.OptionalBool("partial");
  a.success = f.Bool("success");
  return a;
}

JudgeCall JudgeCallFromFields(const Fields& f) {
  CheckType(f, "judge");
  JudgeCall j;
  ReadCallFields(f, j);
  j.check = f.Int("check");
  j.judge = f.String("judge");
  j.model = f.String("model");
  j.call = f.Int("call");
  if (!f.IsNull("verdict")) j.verdict = CheckFromFields(f.Object("verdict"));
  return j;
}

SentCall SentCallFromFields(const Fields& f) {
  SentCall s;
  ReadCallIdentity(f, s);
  if (f.Has("check")) {
    s.check = f.Int("check");
    s.judge = f.String("judge");
    s.call = f.Int("call");
  }
  s.started_unix_ms = f.Int64("started_unix_ms");
  s.worst_case = Money::FromPicos(f.Int64("worst_case_picousd"));
  if (s.worst_case.picos() < 0) throw BadField{f.Pointer("worst_case_picousd"), "is negative"};
  return s;
}

JournalRecord JournalRecordFromFields(const Fields& f) {
  const std::string type = f.String("type");
  if (type == "judge") return JudgeCallFromFields(f);
  if (type == "sent") return SentCallFromFields(f);
  if (type == "header") {
    throw BadField{f.Pointer("type"),
                   "a second journal header (a journal has one, its first "
                   "line): two journals joined into one file?"};
  }
  return AttemptFromFields(f);
}

// --- manifest ----------------------------------------------------------------------------

std::string Per1M(Money per_token) { return per_token.Times(kTokensPerMillion).ToExactString(); }

Json OptionalPer1M(const std::optional<Money>& per_token) {
  if (!per_token) return nullptr;
  return Per1M(*per_token);
}

// A per-1M price string is micro-dollars per 1M, which is the same integer as picodollars per
// token (money.h), so it is read at scale 6.
Money PriceFromJson(const Fields& f, const char* key) {
  return Money::FromPicos(f.Scaled(key, kMicroScale));
}

std::optional<Money> OptionalPriceFromJson(const Fields& f, const char* key) {
  if (f.IsNull(key)) return std::nullopt;
  return PriceFromJson(f, key);
}

Json PriceToJson(const ModelPrice& p) {
  Json j = Json::object();
  j["model"] = p.model;
  j["input_per_1m"] = Per1M(p.input);
  j["output_per_1m"] = Per1M(p.output);
  j["cached_input_per_1m"] = OptionalPer1M(p.cached_input);
  j["cache_write_per_1m"] = OptionalPer1M(p.cache_write);
  if (p.cache_write_1h) j["cache_write_1h_per_1m"] = Per1M(*p.cache_write_1h);  // when set
  j["reasoning_per_1m"] = OptionalPer1M(p.reasoning);
  j["batch_discount_percent"] = p.batch_discount_percent;
  j["as_of"] = p.as_of;
  j["source"] = p.source;
  if (p.gpu_hour) {  // time-priced: cost = latency x gpu_hour_usd / 3600 s / concurrency
    j["gpu_hour_usd"] = p.gpu_hour->ToExactString();
    j["concurrency"] = p.concurrency;
  }
  if (p.min_cache_prefix_tokens) j["min_cache_prefix_tokens"] = *p.min_cache_prefix_tokens;
  return j;
}

ModelPrice PriceFromFields(const Fields& f) {
  ModelPrice p;
  p.model = f.String("model");
  p.input = PriceFromJson(f, "input_per_1m");
  p.output = PriceFromJson(f, "output_per_1m");
  p.cached_input = OptionalPriceFromJson(f, "cached_input_per_1m");
  p.cache_write = OptionalPriceFromJson(f, "cache_write_per_1m");
  if (f.Has("cache_write_1h_per_1m")) p.cache_write_1h = PriceFromJson(f, "cache_write_1h_per_1m");
  p.reasoning = OptionalPriceFromJson(f, "reasoning_per_1m");
  p.batch_discount_percent = f.Int("batch_discount_percent");
  p.as_of = f.String("as_of");
  p.source = f.String("source");
  if (f.Has("gpu_hour_usd")) {
    p.gpu_hour = Money::FromPicos(f.Scaled("gpu_hour_usd", 12));
    p.concurrency = f.Int64("concurrency");
    if (p.concurrency < 1) throw BadField{f.Pointer("concurrency"), "must be at least 1"};
  }
  if (f.Has("min_cache_prefix_tokens")) {
    const int64_t min = f.Int64("min_cache_prefix_tokens");
    if (min < 1) throw BadField{f.Pointer("min_cache_prefix_tokens"), "must be at least 1"};
    p.min_cache_prefix_tokens = min;
  }
  return p;
}

Json CandidateToJson(const ManifestCandidate& c) {
  Json j = Json::object();
  j["id"] = c.id;
  j["provider"] = c.provider;
  j["provider_kind"] = c.provider_kind;
  j["model"] = c.model;
  j["baseline"] = c.baseline;
  j["price"] = PriceToJson(c.price);
  if (!c.tags.empty()) j["tags"] = c.tags;
  if (!c.steps.empty()) {
    Json steps = Json::array();
    for (const ManifestStep& step : c.steps) {
      Json one = Json::object();
      one["id"] = step.id;
      one["candidate"] = step.candidate;
      one["price"] = PriceToJson(step.price);
      steps.push_back(std::move(one));
    }
    j["steps"] = std::move(steps);
  }
  return j;
}

ManifestCandidate CandidateFromFields(const Fields& f) {
  ManifestCandidate c;
  c.id = f.String("id");
  c.provider = f.String("provider");
  c.provider_kind = f.String("provider_kind");
  c.model = f.String("model");
  c.baseline = f.Bool("baseline");
  c.price = PriceFromFields(f.Object("price"));
  c.tags = f.OptionalTags("tags");
  if (f.Has("steps")) {
    const Json& steps = f.Array("steps");
    for (size_t i = 0; i < steps.size(); ++i) {
      Fields step(steps[i], f.Pointer("steps") + "/" + std::to_string(i));
      c.steps.push_back(
          ManifestStep{step.String("id"), step.String("candidate"),
                       PriceFromFields(step.Object("price"))});
    }
  }
  return c;
}

Json HumanToJson(const HumanAlternative& h) {
  if (!h.present) return nullptr;
  Json j = Json::object();
  j["minutes_per_task"] = FormatScaled(h.micro_minutes_per_task, kMicroScale);
  j["hourly_rate"] = h.hourly_rate.ToExactString();
  j["review_minutes_per_task"] = FormatScaled(h.review_micro_minutes_per_task, kMicroScale);
  return j;
}

HumanAlternative HumanFromFields(const Fields& parent) {
  HumanAlternative h;
  if (parent.IsNull("human")) return h;
  Fields f = parent.Object("human");
  h.present = true;
  h.micro_minutes_per_task = f.Scaled("minutes_per_task", kMicroScale);
  h.hourly_rate = Money::FromPicos(f.Scaled("hourly_rate", 12));
  h.review_micro_minutes_per_task = f.Scaled("review_minutes_per_task", kMicroScale);
  return h;
}

Json PolicyToJson(const RetryPolicy& p) {
  Json retry_on = Json::array();
  for (ErrorClass c : p.retry_on) retry_on.push_back(std::string(ErrorClassName(c)));
  Json j = Json::object();
  j["max_attempts"] = p.max_attempts;
  j["retry_on"] = std::move(retry_on);
  j["timeout_ms"] = p.timeout.count();
  j["backoff_initial_ms"] = p.backoff_initial.count();
  j["backoff_max_ms"] = p.backoff_max.count();
  j["max_wait_ms"] = p.max_wait.count();
  return j;
}

RetryPolicy PolicyFromFields(const Fields& f) {
  RetryPolicy p;
  p.max_attempts = f.Int("max_attempts");
  p.retry_on.clear();
  std::vector<std::string> names = f.Strings("retry_on");
  for (size_t i = 0; i < names.size(); ++i) {
    std::optional<ErrorClass> c = ParseErrorClass(names[i]);
    if (!c || *c == ErrorClass::kNone) {
      throw BadField{f.Pointer("retry_on") + "/" + std::to_string(i),
                     "unknown error class \"" + names[i] + "\""};
    }
    p.retry_on.push_back(*c);
  }
  p.timeout = std::chrono::milliseconds(f.Int64("timeout_ms"));
  p.backoff_initial = std::chrono::milliseconds(f.Int64("backoff_initial_ms"));
  p.backoff_max = std::chrono::milliseconds(f.Int64("backoff_max_ms"));
  // Absent from run.json files written before max_wait_s existed: the default then applied.
  if (std::optional<int64_t> max_wait = f.OptionalInt64("max_wait_ms")) {
    p.max_wait = std::chrono::milliseconds(*max_wait);
  }
  return p;
}

// Refuses another format, and versions newer than `supported`.
int CheckFormat(const Fields& f, const char* format, int supported, const char* what) {
  std::string name = f.String("format");
  if (name != format) {
    throw BadField{f.Pointer("format"), "expected \"" + std::string(format) + "\", got \"" +
                                            name + "\": not a taskcost " + what};
  }
  int version = f.Int("version");
  if (version > supported) {
    throw BadField{f.Pointer("version"),
                   what + std::string(" format version ") + std::to_string(version) +
                       " is newer than this build of taskcost reads (version " +
                       std::to_string(supported) + "); upgrade taskcost"};
  }
  if (version < 1) {
    throw BadField{f.Pointer("version"), "unknown format version " + std::to_string(version)};
  }
  return version;
}

RunManifest ManifestFromFields(const Fields& f) {
  RunManifest m;
  m.format_version = CheckFormat(f, "taskcost-run", kManifestFormatVersion, "run manifest");
  m.run_id = f.String("run_id");
  m.suite_name = f.String("suite_name");
  m.suite_file = f.String("suite_file");
  m.suite_hash = f.String("suite_hash");
  m.unit = f.String("unit");
  m.taskcost_version = f.String("taskcost_version");
  m.started_unix_ms = f.Int64("started_unix_ms");
  m.ended_unix_ms = f.Int64("ended_unix_ms");
  m.simulated = f.Bool("simulated");
  m.repeats = f.Int("repeats");
  m.sample_ids = f.Strings("sample_ids");
  const Json& candidates = f.Array("candidates");
  for (size_t i = 0; i < candidates.size(); ++i) {
    m.candidates.push_back(
        CandidateFromFields(Fields(candidates[i], "/candidates/" + std::to_string(i))));
  }
  if (f.Has("judges")) {
    const Json& judges = f.Array("judges");
    for (size_t i = 0; i < judges.size(); ++i) {
      m.judges.push_back(CandidateFromFields(Fields(judges[i], "/judges/" + std::to_string(i))));
    }
  }
  m.human = HumanFromFields(f);
  m.volume_per_month = f.Int64("volume_per_month");
  m.policy = PolicyFromFields(f.Object("policy"));
  std::optional<int64_t> budget = f.OptionalInt64("budget_picousd");
  if (budget) m.budget = Money::FromPicos(*budget);
  m.prices_file = f.String("prices_file");
  m.providers_file = f.String("providers_file");
  m.tags = f.OptionalTags("tags");
  for (auto [key, field] : {std::pair{"results_dir", &RunManifest::results_dir},
                            std::pair{"cache_dir", &RunManifest::cache_dir},
                            std::pair{"simulator_profile", &RunManifest::simulator_profile}}) {
    if (f.Has(key)) m.*field = f.String(key);
  }
  m.prompt_cache = f.OptionalBool("prompt_cache");
  return m;
}

}  // namespace

std::vector<ManifestStep> StepsOf(const ManifestCandidate& candidate) {
  if (!candidate.steps.empty()) return candidate.steps;
  std::vector<ManifestStep> steps;
  const std::string_view model = candidate.model;
  const bool chain = model.starts_with("chain: ");
  if (!chain && !model.starts_with("cascade: ")) return steps;
  std::string_view rest = model.substr(chain ? 7 : 9);
  for (bool more = true; more;) {  // "a > b" or "draft (a) > refine (b)"
    const size_t separator = rest.find(" > ");
    more = separator != std::string_view::npos;
    const std::string_view part = rest.substr(0, separator);
    ManifestStep& step = steps.emplace_back();
    step.id = step.candidate = std::string(part);
    if (chain) {
      const size_t open = part.find(" (");
      if (open == std::string_view::npos || !part.ends_with(")")) return {};
      step.id = std::string(part.substr(0, open));
      step.candidate = std::string(part.substr(open + 2, part.size() - open - 3));
    }
    if (more) rest.remove_prefix(separator + 3);
  }
  return steps;
}

const ManifestCandidate* RunManifest::Baseline() const {
  for (const ManifestCandidate& c : candidates) {
    if (c.baseline) return &c;
  }
  return nullptr;
}

std::string ManifestToJson(const RunManifest& m) {
  Json j = Json::object();
  j["format"] = "taskcost-run";
  j["version"] = kManifestFormatVersion;
  j["run_id"] = m.run_id;
  j["suite_name"] = m.suite_name;
  j["suite_file"] = m.suite_file;
  j["suite_hash"] = m.suite_hash;
  j["unit"] = m.unit;
  j["taskcost_version"] = m.taskcost_version;
  j["started_unix_ms"] = m.started_unix_ms;
  j["ended_unix_ms"] = m.ended_unix_ms;
  j["simulated"] = m.simulated;
  j["repeats"] = m.repeats;
  j["sample_ids"] = m.sample_ids;
  Json candidates = Json::array();
  for (const ManifestCandidate& c : m.candidates) candidates.push_back(CandidateToJson(c));
  j["candidates"] = std::move(candidates);
  if (!m.judges.empty()) {
    Json judges = Json::array();
    for (const ManifestCandidate& c : m.judges) judges.push_back(CandidateToJson(c));
    j["judges"] = std::move(judges);
  }
  j["human"] = HumanToJson(m.human);
  j["volume_per_month"] = m.volume_per_month;
  j["policy"] = PolicyToJson(m.policy);
  j["budget_picousd"] = m.budget ? Json(m.budget->picos()) : Json(nullptr);
  j["budget_usd"] = m.budget ? Json(m.budget->ToUsdDouble()) : Json(nullptr);
  j["prices_file"] = m.prices_file;
  j["providers_file"] = m.providers_file;
  if (!m.tags.empty()) j["tags"] = m.tags;
  if (m.results_dir) j["results_dir"] = *m.results_dir;
  if (m.cache_dir) j["cache_dir"] = *m.cache_dir;
  if (m.simulator_profile) j["simulator_profile"] = *m.simulator_profile;
  if (m.prompt_cache) j["prompt_cache"] = true;
  return Dump(j, 2) + "\n";
}

Result<RunManifest> ManifestFromJson(std::string_view text, const std::string& file) {
  // Depth, size and numbers a double cannot hold, located (the bounded reader of user files);
  // a plain syntax error is left to ReadDocument's message.
  Result<Json> bounded = ParseUserJson(text, {file, 1, 0});
  if (!bounded.ok() && !bounded.error().message.starts_with("not valid JSON")) {
    return bounded.errors();
  }
  return ReadDocument<RunManifest>(text, file, ManifestFromFields);
}

std::string JournalHeaderLine(const std::string& run_id, int version) {
  Json j = Json::object();
  j["type"] = "header";
  j["format"] = "taskcost-journal";
  j["version"] = version;
  j["run_id"] = run_id;
  return Dump(j, -1);
}

Result<std::string> ReadJournalHeader(std::string_view line, const std::string& file,
                                      int* version) {
  SourceLocation first_line{file, 1, 0};
  Json root = Json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!root.is_object() || !root.contains("type") || root.at("type") != "header") {
    return MakeError("not a taskcost journal: the first line is not a journal header", "",
                     first_line);
  }
  try {
    Fields f(root, "");
    const int read = CheckFormat(f, "taskcost-journal", kJournalFormatVersion, "journal");
    if (version != nullptr) *version = read;
    return f.String("run_id");
  } catch (const BadField& bad) {
    return MakeError(bad.message, bad.pointer, first_line);
  }
}

Status CheckJournalHeader(std::string_view line, const std::string& file) {
  Result<std::string> run_id = ReadJournalHeader(line, file);
  if (!run_id.ok()) return run_id.errors();
  return OkStatus();
}

namespace {

// One check's members, in the order of docs/journal-format.md.
void WriteCheckFields(JsonWriter& w, const CheckResult& c) {
  w.String("name", c.name);
  w.Bool("pass", c.pass);
  w.String("reason", c.reason);
  // Written only when set, so journals of suites without scores keep their shape.
  if (c.score) w.Double("score", *c.score);
  if (c.quality) w.Bool("quality", true);
  if (c.scorer_error) w.Bool("scorer_error", true);
  if (c.pending) w.Bool("pending", true);
}

// The members an attempt line and a judge line share after their identities.
void WriteCallFields(JsonWriter& w, int64_t started_unix_ms, int64_t latency_us, int http_status,
                     ErrorClass error, const std::string& error_message) {
  w.Int("started_unix_ms", started_unix_ms);
  w.Int("latency_us", latency_us);
  w.Int("http_status", http_status);
  if (error == ErrorClass::kNone) {
    w.Null("error");
  } else {
    w.String("error", ErrorClassName(error));
  }
  w.String("error_message", error_message);
}

void WriteUsageAndCost(JsonWriter& w, const Usage& usage, const std::string& usage_raw,
                       const std::string& usage_flag, Money cost) {
  w.BeginObject("usage");
  for (const auto& [key, member] : kUsageFields) w.Int(key, usage.*member);
  // Only when some was written for one hour, so other journals keep their bytes.
  if (usage.cache_write_1h_tokens > 0) w.Int("cache_write_1h_tokens", usage.cache_write_1h_tokens);
  w.EndObject();
  w.Raw("usage_raw", UsageRawText(usage_raw));
  if (!usage_flag.empty()) w.String("usage_flag", usage_flag);  // only when implausible
  w.Int("cost_picousd", cost.picos());
  w.Double("cost_usd", cost.ToUsdDouble());
}

// The task and attempt a judge line or a sent line is about (`type` first).
template <typename Call>
void WriteCallIdentity(JsonWriter& w, const char* type, const Call& c) {
  w.String("type", type);
  w.String("sample", c.sample_id);
  w.String("candidate", c.candidate_id);
  w.Int("repeat", c.repeat);
  if (!c.step.empty()) w.String("step", c.step);
  w.Int("attempt", c.attempt);
}

}  // namespace

std::string JudgeCallToJsonLine(const JudgeCall& j) {
  std::string line;
  line.reserve(512 + j.error_message.size() + j.usage_raw.size());
  JsonWriter w(line);
  w.BeginObject();
  WriteCallIdentity(w, "judge", j);
  w.Int("check", j.check);
  w.String("judge", j.judge);
  w.String("model", j.model);
  w.Int("call", j.call);
  WriteCallFields(w, j.started_unix_ms, j.latency_us, j.http_status, j.error, j.error_message);
  WriteUsageAndCost(w, j.usage, j.usage_raw, j.usage_flag, j.cost);
  if (j.verdict) {
    w.BeginObject("verdict");
    WriteCheckFields(w, *j.verdict);
    w.EndObject();
  } else {
    w.Null("verdict");
  }
  if (j.cached) w.Bool("cached", true);
  w.EndObject();
  return line;
}

// Written without a JSON tree, once per call sent, in the key order of docs/journal-format.md.
std::string SentCallToJsonLine(const SentCall& s) {
  std::string line;
  line.reserve(160 + s.sample_id.size() + s.candidate_id.size() + s.step.size() + s.judge.size());
  JsonWriter w(line);
  w.BeginObject();
  WriteCallIdentity(w, "sent", s);
  if (s.check) {
    w.Int("check", *s.check);
    w.String("judge", s.judge);
    w.Int("call", s.call);
  }
  w.Int("started_unix_ms", s.started_unix_ms);
  w.Int("worst_case_picousd", s.worst_case.picos());
  w.EndObject();
  return line;
}

Result<JournalRecord> JournalRecordFromJsonLine(std::string_view line) {
  return ReadDocument<JournalRecord>(line, "", JournalRecordFromFields);
}

// Written field by field without a JSON tree: this runs once per attempt. The text is what a
// tree's compact dump would be (json_writer.h), in the key order of docs/journal-format.md.
std::string AttemptToJsonLine(const Attempt& a) {
  std::string line;
  line.reserve(640 + a.output.size() + a.error_message.size() + a.usage_raw.size());
  JsonWriter w(line);
  w.BeginObject();
  w.String("type", "attempt");
  w.String("sample", a.sample_id);
  w.String("candidate", a.candidate_id);
  w.Int("repeat", a.repeat);
  w.Int("attempt", a.attempt);
  WriteCallFields(w, a.started_unix_ms, a.latency_us, a.http_status, a.error, a.error_message);
  if (a.retry_after_ms) {
    w.Int("retry_after_ms", *a.retry_after_ms);
  } else {
    w.Null("retry_after_ms");
  }
  w.String("finish_reason", a.finish_reason);
  w.String("request_id", a.request_id);
  WriteUsageAndCost(w, a.usage, a.usage_raw, a.usage_flag, a.cost);
  w.String("output", a.output);
  w.BeginArray("validation_errors");
  for (const std::string& e : a.validation_errors) w.String(e);
  w.EndArray();
  w.BeginArray("checks");
  for (const CheckResult& c : a.checks) {
    w.BeginObject();
    WriteCheckFields(w, c);
    w.EndObject();
  }
  w.EndArray();
  if (!a.step.empty()) w.String("step", a.step);  // optional: only cascades and chains have it
  if (a.partial) w.Bool("partial", true);
  w.Bool("success", a.success);
  if (a.cached) w.Bool("cached", true);  // optional: written only when true
  w.EndObject();
  return line;
}

Result<Attempt> AttemptFromJsonLine(std::string_view line) {
  return ReadDocument<Attempt>(line, "", AttemptFromFields);
}

}  // namespace taskcost
