#include "harness/core/gates/baseline.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "harness/core/prices/catalog_writer.h"
#include "harness/core/formats/json_parse.h"
#include "harness/core/render/report_format.h"

namespace taskcost {
namespace {

using Json = nlohmann::ordered_json;

constexpr const char* kFormatName = "taskcost-baseline";
constexpr int64_t kPicosPerMicro = 1'000'000;  // pUSD per token = micro-USD per 1M tokens

Json MoneyOrNull(const std::optional<Money>& amount) {
  return amount ? Json(amount->ToExactString()) : Json(nullptr);
}

Json RateOrNull(const std::optional<Money>& per_token) {
  return per_token ? Json(PerMillionText(*per_token)) : Json(nullptr);
}

std::string QualityText(int64_t milli) {
  std::string text = FormatScaled(milli, 3);
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text;
}

Json PriceToJson(const ModelPrice& price) {
  Json j;
  j["key"] = price.model;
  j["as_of"] = price.as_of;
  j["input_per_1m_usd"] = PerMillionText(price.input);
  j["cached_input_per_1m_usd"] = RateOrNull(price.cached_input);
  j["cache_write_per_1m_usd"] = RateOrNull(price.cache_write);
  j["output_per_1m_usd"] = PerMillionText(price.output);
  j["reasoning_per_1m_usd"] = RateOrNull(price.reasoning);
  j["batch_discount_percent"] = price.batch_discount_percent;
  if (price.gpu_hour) {  // time-priced (docs/configs.md)
    j["gpu_hour_usd"] = price.gpu_hour->ToExactString();
    j["concurrency"] = price.concurrency;
  }
  return j;
}

Json CandidateToJson(const CandidateFigures& c) {
  Json j;
  j["id"] = c.id;
  j["model"] = c.model;
  j["tasks"] = c.tasks_run;
  j["tasks_unfinished"] = c.tasks_unfinished;
  j["tasks_not_run"] = c.tasks_not_run;
  j["successes"] = c.successes;
  j["success_rate_pct"] = FormatPercent(c.SuccessRate());
  j["attempts"] = c.attempts;
  j["unfinished_attempts"] = c.unfinished_attempts;
  j["attempts_per_task"] = FormatRatio(c.AttemptsPerTask(), 2);
  j["input_tokens"] = c.input_tokens;
  j["output_tokens"] = c.output_tokens;
  j["input_tokens_per_task"] = FormatRatio(c.InputTokensPerTask(), 1);
  j["output_tokens_per_task"] = FormatRatio(c.OutputTokensPerTask(), 1);
  j["total_cost_usd"] = c.total_cost.ToExactString();
  j["cost_per_successful_task_usd"] = MoneyOrNull(c.cost_per_success);
  j["p95_cost_per_task_usd"] = MoneyOrNull(c.task_cost_p95);
  j["quality"] = c.quality_milli ? Json(QualityText(*c.quality_milli)) : Json(nullptr);
  j["price"] = PriceToJson(c.price);
  return j;
}

// Reads typed fields of one baseline file, recording every problem with its JSON pointer.
class FieldReader {
 public:
  explicit FieldReader(std::string file) : file_(std::move(file)) {}

  const Json* Get(const Json& object, const std::string& at, const char* key) {
    if (!object.is_object() || !object.contains(key)) {
      Fail(at, std::string("missing key \"") + key + "\"");
      return nullptr;
    }
    return &object.at(key);
  }
  std::string String(const Json& object, const std::string& at, const char* key) {
    const Json* v = Get(object, at, key);
    if (v && v->is_string()) return v->get<std::string>();
    if (v) Fail(at + "/" + key, "expected a string, got " + JsonKindName(*v));
    return "";
  }
  int64_t Integer(const Json& object, const std::string& at, const char* key) {
    const Json* v = Get(object, at, key);
    if (v && v->is_number_integer() && v->get<int64_t>() >= 0) return v->get<int64_t>();
    if (v) Fail(at + "/" + key, "expected a whole number >= 0, got " + v->dump());
    return 0;
  }
  bool Bool(const Json& object, const std::string& at, const char* key) {
    const Json* v = Get(object, at, key);
    if (v && v->is_boolean()) return v->get<bool>();
    if (v) Fail(at + "/" + key, "expected true or false, got " + v->dump());
    return false;
  }
  // An exact decimal string in 1/10^scale units; unset for null (when `nullable`).
  std::optional<int64_t> Decimal(const Json& object, const std::string& at, const char* key,
                                 int scale, bool nullable) {
    const Json* v = Get(object, at, key);
    if (!v || (nullable && v->is_null())) return std::nullopt;
    if (v->is_string()) {
      Result<int64_t> value = ParseScaledDecimal(v->get<std::string>(), scale);
      if (value.ok() && *value >= 0) return *value;
    }
    Fail(at + "/" + key, std::string("expected an exact decimal string such as \"0.0084\"") +
                             (nullable ? " or null" : "") + ", got " + v->dump());
    return std::nullopt;
  }
  std::optional<Money> Usd(const Json& object, const std::string& at, const char* key,
                           bool nullable) {
    std::optional<int64_t> picos = Decimal(object, at, key, 12, nullable);
    return picos ? std::optional<Money>(Money::FromPicos(*picos)) : std::nullopt;
  }
  std::optional<Money> Rate(const Json& object, const std::string& at, const char* key,
                            bool nullable) {
    std::optional<int64_t> micros = Decimal(object, at, key, 6, nullable);
    return micros ? std::optional<Money>(Money::FromPicos(*micros)) : std::nullopt;
  }
  void Fail(const std::string& at, std::string message) {
    errors_.push_back(MakeError(std::move(message), at, {file_, 0, 0}));
  }
  const Errors& errors() const { return errors_; }

 private:
  std::string file_;
  Errors errors_;
};

ModelPrice PriceFromJson(FieldReader& r, const Json& j, const std::string& at) {
  ModelPrice p;
  p.model = r.String(j, at, "key");
  p.as_of = r.String(j, at, "as_of");
  p.input = r.Rate(j, at, "input_per_1m_usd", false).value_or(Money());
  p.cached_input = r.Rate(j, at, "cached_input_per_1m_usd", true);
  p.cache_write = r.Rate(j, at, "cache_write_per_1m_usd", true);
  p.output = r.Rate(j, at, "output_per_1m_usd", false).value_or(Money());
  p.reasoning = r.Rate(j, at, "reasoning_per_1m_usd", true);
  const int64_t percent = r.Integer(j, at, "batch_discount_percent");
  if (percent > 100) {
    r.Fail(at + "/batch_discount_percent", "expected 0 to 100, got " + std::to_string(percent));
  }
  p.batch_discount_percent = static_cast<int>(std::min<int64_t>(percent, 100));
  if (j.is_object() && j.contains("gpu_hour_usd")) {
    p.gpu_hour = Money::FromPicos(r.Decimal(j, at, "gpu_hour_usd", 12, false).value_or(0));
    p.concurrency = std::max<int64_t>(1, r.Integer(j, at, "concurrency"));
  }
  return p;
}

// `version`: the file's; version 1 files predate the partial-run keys.
CandidateFigures CandidateFromJson(FieldReader& r, const Json& j, const std::string& at,
                                   int64_t version) {
  CandidateFigures c;
  c.id = r.String(j, at, "id");
  c.model = r.String(j, at, "model");
  c.tasks_run = r.Integer(j, at, "tasks");
  c.successes = r.Integer(j, at, "successes");
  c.attempts = r.Integer(j, at, "attempts");
  if (version >= 2) {
    c.tasks_unfinished = r.Integer(j, at, "tasks_unfinished");
    c.tasks_not_run = r.Integer(j, at, "tasks_not_run");
    c.unfinished_attempts = r.Integer(j, at, "unfinished_attempts");
  }
  c.input_tokens = r.Integer(j, at, "input_tokens");
  c.output_tokens = r.Integer(j, at, "output_tokens");
  c.total_cost = r.Usd(j, at, "total_cost_usd", false).value_or(Money());
  c.cost_per_success = r.Usd(j, at, "cost_per_successful_task_usd", true);
  c.task_cost_p95 = r.Usd(j, at, "p95_cost_per_task_usd", true);
  c.quality_milli = r.Decimal(j, at, "quality", 3, true);
  if (const Json* price = r.Get(j, at, "price")) c.price = PriceFromJson(r, *price, at + "/price");
  if (c.tasks_unfinished > c.tasks_run) {
    r.Fail(at + "/tasks_unfinished",
           "more unfinished tasks than tasks (" + std::to_string(c.tasks_run) + ")");
  } else if (c.successes > c.TasksFinished()) {
    r.Fail(at + "/successes",
           "more successes than finished tasks (" + std::to_string(c.TasksFinished()) + ")");
  }
  if (c.unfinished_attempts > c.attempts) {
    r.Fail(at + "/unfinished_attempts",
           "more unfinished attempts than attempts (" + std::to_string(c.attempts) + ")");
  }
  return c;
}

Status CheckFormat(FieldReader& r, const Json& root) {
  if (!root.is_object() || root.value("format", Json()) != Json(kFormatName)) {
    r.Fail("",
           "not a taskcost baseline (expected \"format\": \"taskcost-baseline\"); save one "
           "with: taskcost baseline save RUN_DIR -o FILE");
    return r.errors();
  }
  const int64_t version = r.Integer(root, "", "version");
  if (version > kBaselineFormatVersion) {
    r.Fail("/version", "baseline format version " + std::to_string(version) +
                           " is newer than this taskcost reads (" +
                           std::to_string(kBaselineFormatVersion) + "); upgrade taskcost");
  }
  if (!r.errors().empty()) return r.errors();
  return OkStatus();
}

}  // namespace

const CandidateFigures* RunFigures::Find(const std::string& id) const {
  for (const CandidateFigures& c : candidates) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

bool RunFigures::Partial() const {
  return std::any_of(candidates.begin(), candidates.end(),
                     [](const CandidateFigures& c) { return c.Partial(); });
}

std::vector<std::string> RunFigures::CandidateIds() const {
  std::vector<std::string> ids;
  for (const CandidateFigures& c : candidates) ids.push_back(c.id);
  return ids;
}

RunFigures FiguresOf(const RunManifest& manifest, const Report& report) {
  RunFigures f;
  f.suite_name = manifest.suite_name;
  f.suite_file = manifest.suite_file;
  f.suite_hash = manifest.suite_hash;
  f.run_id = manifest.run_id;
  f.simulated = manifest.simulated;
  f.samples = static_cast<int64_t>(manifest.sample_ids.size());
  f.repeats = manifest.repeats;
  for (const ManifestCandidate& mc : manifest.candidates) {
    const CandidateMetrics* m = report.Find(mc.id);
    if (m == nullptr) continue;  // a duplicate id in the manifest
    CandidateFigures c{mc.id, mc.model, mc.price};
    c.price.source.clear();
    c.price.where = {};
    c.tasks_run = m->tasks_run;
    c.tasks_unfinished = m->tasks_unfinished;
    c.unfinished_attempts = m->unfinished_attempts;
    c.tasks_not_run = m->tasks_not_run;
    c.successes = m->successes;
    c.attempts = m->attempts;
    c.input_tokens = m->input_tokens;
    c.output_tokens = m->output_tokens;
    c.total_cost = m->total_cost;
    c.cost_per_success = m->cost_per_success;
    c.task_cost_p95 = m->task_cost_p95;
    if (m->expert_quality && m->expert_quality->mean) {  // the mean expert score, x 1000
      c.quality_milli = std::llround(*m->expert_quality->mean * 1000);
    }
    f.total_cost += m->total_cost;
    f.prices_as_of = std::max(f.prices_as_of, mc.price.as_of);
    if (f.Find(c.id) == nullptr) f.candidates.push_back(std::move(c));
  }
  return f;
}

RunFigures FiguresOf(const RunManifest& manifest, const std::vector<Attempt>& attempts) {
  return FiguresOf(manifest, ComputeReport(manifest, attempts));
}

std::string PortablePath(const std::string& path, const std::string& cwd) {
  namespace fs = std::filesystem;
  fs::path p = fs::path(path).lexically_normal();
  if (p.is_absolute()) {
    fs::path relative = p.lexically_relative(fs::path(cwd).lexically_normal());
    const bool below = !relative.empty() && *relative.begin() != "..";
    p = below ? relative : p.filename();
  }
  std::string text = p.generic_string();
  return text.rfind("./", 0) == 0 ? text.substr(2) : text;
}

std::string BaselineToJson(const RunFigures& f) {
  Json j;
  j["format"] = kFormatName;
  j["version"] = kBaselineFormatVersion;
  j["suite"] = f.suite_name;
  j["suite_file"] = f.suite_file;
  j["suite_hash"] = f.suite_hash;
  j["run_id"] = f.run_id;
  j["simulated"] = f.simulated;
  j["partial"] = f.Partial();
  j["samples"] = f.samples;
  j["repeats"] = f.repeats;
  j["prices_as_of"] = f.prices_as_of;
  j["total_cost_usd"] = f.total_cost.ToExactString();
  j["candidates"] = Json::array();
  for (const CandidateFigures& c : f.candidates) j["candidates"].push_back(CandidateToJson(c));
  return j.dump(2) + "\n";
}

Result<RunFigures> BaselineFromJson(std::string_view text, const std::string& file) {
  Result<Json> parsed = ParseJsonAt(text, {file, 1, 0});
  if (!parsed.ok()) return parsed.errors();
  const Json& root = parsed.value();
  FieldReader r(file);
  Status format = CheckFormat(r, root);
  if (!format.ok()) return format.errors();
  const int64_t version = root.at("version").get<int64_t>();
  RunFigures f;
  f.suite_name = r.String(root, "", "suite");
  f.suite_file = r.String(root, "", "suite_file");
  f.suite_hash = r.String(root, "", "suite_hash");
  f.run_id = r.String(root, "", "run_id");
  f.simulated = r.Bool(root, "", "simulated");
  f.samples = r.Integer(root, "", "samples");
  f.repeats = static_cast<int>(std::min<int64_t>(r.Integer(root, "", "repeats"), 1'000'000));
  f.prices_as_of = r.String(root, "", "prices_as_of");
  f.total_cost = r.Usd(root, "", "total_cost_usd", false).value_or(Money());
  const Json* list = r.Get(root, "", "candidates");
  if (list && !list->is_array()) r.Fail("/candidates", "expected an array");
  for (size_t i = 0; list && list->is_array() && i < list->size(); ++i) {
    const std::string at = "/candidates/" + std::to_string(i);
    if (!list->at(i).is_object()) {
      r.Fail(at, "expected an object");
      continue;
    }
    CandidateFigures c = CandidateFromJson(r, list->at(i), at, version);
    // A version 1 file does not say; its planned tasks without a line were not run.
    if (version < 2) c.tasks_not_run = std::max<int64_t>(0, f.samples * f.repeats - c.tasks_run);
    if (f.Find(c.id) != nullptr) r.Fail(at + "/id", "candidate \"" + c.id + "\" is listed twice");
    f.candidates.push_back(std::move(c));
  }
  if (version >= 2 && r.Bool(root, "", "partial") != f.Partial()) {
    r.Fail("/partial", std::string("says ") + (f.Partial() ? "false" : "true") +
                           ", but its candidates' unfinished and not-run tasks say " +
                           (f.Partial() ? "true" : "false"));
  }
  if (!r.errors().empty()) return r.errors();
  return f;
}

}  // namespace taskcost
