// LoadSimulatorProfile / ParseSimulatorProfile: YAML to a checked SimulatorProfile. Every problem
// is reported with file:line:col and the dotted path ("models.gpt-4.1.accuracy").
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <tuple>

#include "harness/core/formats/user_files.h"
#include "harness/core/formats/yaml_util.h"
#include "harness/mock/answer_samples.h"
#include "harness/mock/simulator.h"

namespace taskcost {
namespace {

constexpr const char* kProbability = "expected a number between 0 and 1";
constexpr const char* kNonNegative = "expected a number >= 0";
constexpr const char* kCount = "expected a whole number >= 0";

template <class T>
void Set(std::optional<T> value, T& out) {
  if (value) out = *value;
}

class ProfileReader {
 public:
  explicit ProfileReader(std::string file) : file_(std::move(file)) {}

  Errors& errors() { return errors_; }
  const std::string& file() const { return file_; }

  SourceLocation Where(const YAML::Node& node) const {
    YAML::Mark m = node.Mark();
    if (m.is_null()) return {file_, 0, 0};
    return {file_, m.line + 1, m.column + 1};
  }

  void Fail(const YAML::Node& at, const std::string& path, std::string message) {
    errors_.push_back(MakeError(std::move(message), path, Where(at)));
  }

  /// True when `node` is a mapping whose keys are all in `allowed`; reports unknown keys.
  bool Mapping(const YAML::Node& node, const std::string& path,
               const std::vector<std::string>& allowed) {
    if (!node.IsMap()) {
      Fail(node, path, "expected a mapping");
      return false;
    }
    for (const auto& entry : node) {
      std::string key = entry.first.Scalar();
      if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
      std::string message = "unknown key \"" + key + "\"";
      if (auto near = ClosestMatch(key, allowed)) message += ", did you mean \"" + *near + "\"?";
      Fail(entry.first, Join(path, key), message);
    }
    return true;
  }

  std::optional<double> Number(const YAML::Node& node, const std::string& path, double lo,
                               double hi, const char* message) {
    double value = 0;
    if (!node.IsScalar() || !YAML::convert<double>::decode(node, value) || !std::isfinite(value) ||
        value < lo || value > hi) {
      Fail(node, path, message);
      return std::nullopt;
    }
    return value;
  }

  std::optional<int64_t> Count(const YAML::Node& node, const std::string& path, int64_t lo = 0) {
    int64_t value = 0;
    if (!node.IsScalar() || !YAML::convert<int64_t>::decode(node, value) || value < lo) {
      Fail(node, path, lo == 0 ? kCount : "expected a whole number >= " + std::to_string(lo));
      return std::nullopt;
    }
    return value;
  }

  std::optional<bool> Bool(const YAML::Node& node, const std::string& path) {
    bool value = false;
    if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value)) {
      Fail(node, path, "expected true or false");
      return std::nullopt;
    }
    return value;
  }

  std::optional<std::string> String(const YAML::Node& node, const std::string& path) {
    if (!node.IsScalar() || node.Scalar().empty()) {
      Fail(node, path, "expected a non-empty string");
      return std::nullopt;
    }
    return node.Scalar();
  }

  /// map[key], when present, into `out`: a probability, a number >= 0, or a whole number >= 0.
  void ProbabilityAt(const YAML::Node& map, const std::string& key, const std::string& path,
                     double& out) {
    if (map[key]) Set(Number(map[key], Join(path, key), 0, 1, kProbability), out);
  }
  void NonNegativeAt(const YAML::Node& map, const std::string& key, const std::string& path,
                     double& out) {
    if (map[key]) Set(Number(map[key], Join(path, key), 0, 1e9, kNonNegative), out);
  }
  void CountAt(const YAML::Node& map, const std::string& key, const std::string& path,
               int64_t& out) {
    if (map[key]) Set(Count(map[key], Join(path, key)), out);
  }

  static std::string Join(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }

 private:
  std::string file_;
  Errors errors_;
};

void ReadLatency(ProfileReader& r, const YAML::Node& node, const std::string& path,
                 LatencyModel& out) {
  if (node.IsScalar()) {
    Set(r.Number(node, path, 0, 1e9, kNonNegative), out.base_ms);
    return;
  }
  if (!r.Mapping(node, path, {"base", "per_output_token", "per_input_token", "jitter", "error"})) {
    return;
  }
  r.NonNegativeAt(node, "base", path, out.base_ms);
  r.NonNegativeAt(node, "per_output_token", path, out.per_output_token_ms);
  r.NonNegativeAt(node, "per_input_token", path, out.per_input_token_ms);
  r.ProbabilityAt(node, "jitter", path, out.jitter);
  if (node["error"]) {
    double error_ms = 0;
    r.NonNegativeAt(node, "error", path, error_ms);
    out.error_ms = error_ms;
  }
}

void ReadInputTokens(ProfileReader& r, const YAML::Node& node, const std::string& path,
                     InputTokenModel& out) {
  if (node.IsScalar() && node.Scalar() == "chars_div_4") {
    out.chars_div_4 = true;
    return;
  }
  int64_t fixed = 0;
  if (!node.IsScalar() || !YAML::convert<int64_t>::decode(node, fixed) || fixed < 0) {
    r.Fail(node, path, "expected chars_div_4 or a whole number >= 0");
    return;
  }
  out.chars_div_4 = false;
  out.fixed = fixed;
}

void ReadWords(ProfileReader& r, const YAML::Node& node, const std::string& path,
               OutputTokenModel& out) {
  if (node.IsScalar()) {
    if (auto n = r.Count(node, path)) out.min_words = out.max_words = static_cast<int>(*n);
    return;
  }
  if (!node.IsSequence() || node.size() != 2) {
    r.Fail(node, path, "expected a whole number or [min, max]");
    return;
  }
  auto lo = r.Count(node[0], path + "[0]");
  auto hi = r.Count(node[1], path + "[1]");
  if (!lo || !hi) return;
  if (*lo > *hi || *hi > 10'000) {
    r.Fail(node, path, "expected [min, max] with min <= max <= 10000");
    return;
  }
  out.min_words = static_cast<int>(*lo);
  out.max_words = static_cast<int>(*hi);
}

void ReadOutputTokens(ProfileReader& r, const YAML::Node& node, const std::string& path,
                      OutputTokenModel& out) {
  if (node.IsScalar()) {
    if (node.Scalar() == "chars_div_4") {
      out.kind = OutputTokenModel::Kind::kCharsDiv4;
      return;
    }
    int64_t fixed = 0;
    if (!YAML::convert<int64_t>::decode(node, fixed) || fixed < 0) {
      r.Fail(node, path, "expected chars_div_4, a whole number >= 0, or a mapping");
      return;
    }
    out.kind = OutputTokenModel::Kind::kFixed;
    out.fixed = fixed;
    return;
  }
  if (!r.Mapping(node, path, {"base", "per_field_word", "words"})) return;
  out.kind = OutputTokenModel::Kind::kWords;
  r.NonNegativeAt(node, "base", path, out.base);
  r.NonNegativeAt(node, "per_field_word", path, out.per_field_word);
  if (node["words"]) ReadWords(r, node["words"], path + ".words", out);
}

void ReadFaults(ProfileReader& r, const YAML::Node& node, const std::string& path,
                FaultRates& out) {
  static const std::vector<std::pair<std::string, double FaultRates::*>> kRates = {
      {"malformed_json", &FaultRates::malformed_json},
      {"schema_violation", &FaultRates::schema_violation},
      {"rate_limit", &FaultRates::rate_limit},
      {"server_error", &FaultRates::server_error},
      {"overloaded", &FaultRates::overloaded},
      {"truncated", &FaultRates::truncated},
      {"refusal", &FaultRates::refusal},
      {"reset", &FaultRates::reset},
      {"stall", &FaultRates::stall}};
  std::vector<std::string> allowed = {"slow_body_ms", "retry_after_s"};
  for (const auto& [name, member] : kRates) allowed.push_back(name);
  if (!r.Mapping(node, path, allowed)) return;
  for (const auto& [name, member] : kRates) r.ProbabilityAt(node, name, path, out.*member);
  r.CountAt(node, "slow_body_ms", path, out.slow_body_ms);
  r.CountAt(node, "retry_after_s", path, out.retry_after_s);
  if (out.Sum() > 1 + 1e-9) {
    std::ostringstream sum;
    sum << out.Sum();
    r.Fail(node, path, "fault probabilities add up to " + sum.str() + ", more than 1");
  }
}

void ReadRateLimit(ProfileReader& r, const YAML::Node& node, const std::string& path,
                   RateLimitProfile& out) {
  if (!r.Mapping(node, path, {"requests_per_minute", "tokens_per_minute", "window_s"})) return;
  r.CountAt(node, "requests_per_minute", path, out.requests_per_minute);
  r.CountAt(node, "tokens_per_minute", path, out.tokens_per_minute);
  if (const YAML::Node window = node["window_s"]) {
    constexpr const char* kWindow = "expected a number of seconds in (0, 60]";
    std::optional<double> seconds = r.Number(window, path + ".window_s", 0, 60, kWindow);
    if (seconds && *seconds <= 0) {
      r.Fail(window, path + ".window_s", kWindow);
    } else {
      Set(seconds, out.window_s);
    }
  }
}

void ReadFaultAttempts(ProfileReader& r, const YAML::Node& node, const std::string& path,
                       std::vector<int>& out) {
  if (!node.IsSequence()) {
    r.Fail(node, path, "expected a list of attempt numbers such as [1]");
    return;
  }
  for (size_t i = 0; i < node.size(); ++i) {
    if (auto n = r.Count(node[i], path + "[" + std::to_string(i) + "]", 1)) {
      out.push_back(static_cast<int>(std::min<int64_t>(*n, 1'000'000)));
    }
  }
}

void ReadApi(ProfileReader& r, const YAML::Node& node, const std::string& path, SimulatorApi& out) {
  const std::string v = node.IsScalar() ? node.Scalar() : "";
  if (v == "any") {
    out = SimulatorApi::kAny;
  } else if (v == "openai") {
    out = SimulatorApi::kOpenAi;
  } else if (v == "anthropic") {
    out = SimulatorApi::kAnthropic;
  } else {
    r.Fail(node, path, "expected openai, anthropic or any");
  }
}

ModelProfile ReadModel(ProfileReader& r, const YAML::Node& key, const YAML::Node& node) {
  ModelProfile m;
  m.name = key.Scalar();
  m.where = r.Where(key);
  const std::string path = "models." + m.name;
  if (node.IsNull()) return m;  // "name:" alone: every default
  if (!r.Mapping(
          node, path,
          {"api", "latency_ms", "accuracy", "output_tokens", "input_tokens",
           "cached_input_fraction", "cache_write_fraction", "reasoning_tokens", "cache_min_tokens",
           "quota_exhausted", "faults", "fault_attempts", "rate_limit"})) {
    return m;
  }
  auto at = [&](const char* key) { return std::pair{node[key], path + "." + key}; };
  if (auto [n, p] = at("api"); n) ReadApi(r, n, p, m.api);
  if (auto [n, p] = at("latency_ms"); n) ReadLatency(r, n, p, m.latency);
  if (auto [n, p] = at("output_tokens"); n) ReadOutputTokens(r, n, p, m.output_tokens);
  if (auto [n, p] = at("input_tokens"); n) ReadInputTokens(r, n, p, m.input_tokens);
  if (auto [n, p] = at("quota_exhausted"); n) Set(r.Bool(n, p), m.quota_exhausted);
  if (auto [n, p] = at("faults"); n) ReadFaults(r, n, p, m.faults);
  if (auto [n, p] = at("fault_attempts"); n) ReadFaultAttempts(r, n, p, m.fault_attempts);
  if (auto [n, p] = at("rate_limit"); n) ReadRateLimit(r, n, p, m.rate_limit);
  r.ProbabilityAt(node, "accuracy", path, m.accuracy);
  r.ProbabilityAt(node, "cached_input_fraction", path, m.cached_input_fraction);
  r.ProbabilityAt(node, "cache_write_fraction", path, m.cache_write_fraction);
  r.CountAt(node, "reasoning_tokens", path, m.reasoning_tokens);
  r.CountAt(node, "cache_min_tokens", path, m.cache_min_tokens);
  if (m.cache_min_tokens > 0 && m.cached_input_fraction + m.cache_write_fraction > 0) {
    r.Fail(node, path,
           "cache_min_tokens plays the provider's prompt cache; cached_input_fraction and "
           "cache_write_fraction fix the shares instead: give one or the other");
  }
  if (m.cached_input_fraction + m.cache_write_fraction > 1 + 1e-9) {
    r.Fail(node, path, "cached_input_fraction + cache_write_fraction is more than 1");
  }
  return m;
}

void ReadModels(ProfileReader& r, const YAML::Node& node, SimulatorProfile& out) {
  if (!node.IsMap() || node.size() == 0) {
    r.Fail(node, "models", "expected a mapping of model names to their behaviour");
    return;
  }
  for (const auto& entry : node) {
    if (out.FindModel(entry.first.Scalar())) {
      r.Fail(entry.first, "models." + entry.first.Scalar(), "duplicate model");
      continue;
    }
    out.models.push_back(ReadModel(r, entry.first, entry.second));
  }
}

/// The samples path as shown in errors: joined to the profile's directory, not absolutised.
std::string ResolveAgainst(const std::string& profile_file, const std::string& relative) {
  std::filesystem::path p(relative);
  if (p.is_absolute()) return p.lexically_normal().string();
  return (std::filesystem::path(profile_file).parent_path() / p).lexically_normal().string();
}

void CheckFieldsUsed(ProfileReader& r, const YAML::Node& fields_node, const AnswerKey& key) {
  for (const auto& [output_field, sample_field] : key.fields) {
    bool used = false;
    for (const AnswerSample& s : key.samples) used = used || s.expected.count(output_field) > 0;
    if (!used) {
      r.Fail(fields_node[output_field], "answers.fields." + output_field,
             "no sample in " + key.samples_file + " has a field \"" + sample_field + "\"");
    }
  }
}

void ReadAnswerFile(ProfileReader& r, const YAML::Node& node, AnswerKey& key) {
  key.samples_file = ResolveAgainst(r.file(), node["samples"].Scalar());
  auto rows =
      mock::ReadAnswerSamples(key.samples_file, key.samples_file, key.key_field, key.fields);
  if (!rows.ok()) {
    if (rows.error().where.file.empty()) {
      r.Fail(node["samples"], "answers.samples",
             "cannot read " + key.samples_file + ": " + rows.error().message);
    } else {
      for (const Error& e : rows.errors()) r.errors().push_back(e);
    }
    return;
  }
  key.samples = std::move(rows).value();
  if (node["fields"]) CheckFieldsUsed(r, node["fields"], key);
}

void ReadAnswers(ProfileReader& r, const YAML::Node& node, AnswerKey& key) {
  if (!r.Mapping(node, "answers", {"samples", "key_field", "fields"})) return;
  key.present = true;
  if (node["key_field"]) Set(r.String(node["key_field"], "answers.key_field"), key.key_field);
  if (node["fields"] && !node["fields"].IsMap()) {
    r.Fail(node["fields"], "answers.fields",
           "expected a mapping of output fields to sample fields");
  } else if (node["fields"]) {
    for (const auto& entry : node["fields"]) {
      std::string path = "answers.fields." + entry.first.Scalar();
      if (auto v = r.String(entry.second, path)) key.fields[entry.first.Scalar()] = *v;
    }
  }
  if (!node["samples"]) {
    r.Fail(node, "answers.samples", "missing: the JSONL file holding the right answers");
    return;
  }
  if (!r.String(node["samples"], "answers.samples")) return;
  if (r.errors().empty()) ReadAnswerFile(r, node, key);
}

void ReadTop(ProfileReader& r, const YAML::Node& root, SimulatorProfile& out) {
  if (!r.Mapping(root, "", {"seed", "require_key", "api_key", "answers", "rate_limit", "models"})) {
    return;
  }
  if (root["seed"]) {
    if (auto seed = r.Count(root["seed"], "seed")) out.seed = static_cast<uint64_t>(*seed);
  }
  if (root["require_key"]) Set(r.Bool(root["require_key"], "require_key"), out.require_key);
  if (root["api_key"]) Set(r.String(root["api_key"], "api_key"), out.api_key);
  if (root["rate_limit"]) ReadRateLimit(r, root["rate_limit"], "rate_limit", out.rate_limit);
  if (!root["models"]) {
    r.Fail(root, "models", "missing: the models the simulator serves");
  } else {
    ReadModels(r, root["models"], out);
  }
  if (root["answers"]) ReadAnswers(r, root["answers"], out.answers);
}

}  // namespace

double FaultRates::Sum() const {
  return malformed_json + schema_violation + rate_limit + server_error + overloaded + truncated +
         refusal + reset + stall;
}

const ModelProfile* SimulatorProfile::FindModel(const std::string& name) const {
  for (const ModelProfile& m : models) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

Result<SimulatorProfile> ParseSimulatorProfile(const std::string& yaml, const std::string& file) {
  ProfileReader reader(file);
  SimulatorProfile profile;
  profile.file = file;
  try {
    Result<YAML::Node> root = ParseYaml(yaml, file);  // bounded: depth, values, one document
    if (!root.ok()) return root.errors();
    ReadTop(reader, root.value(), profile);
  } catch (const YAML::Exception& e) {
    SourceLocation where{file, e.mark.is_null() ? 0 : e.mark.line + 1,
                         e.mark.is_null() ? 0 : e.mark.column + 1};
    reader.errors().push_back(MakeError(e.msg, "", where));
  }
  if (!reader.errors().empty()) {
    Errors errors = std::move(reader.errors());
    std::stable_sort(errors.begin(), errors.end(), [&](const Error& a, const Error& b) {
      // The profile's own errors in document order, then those of the answers file.
      auto rank = [&](const Error& e) {
        return std::tuple(e.where.file != file, e.where.line, e.where.column);
      };
      return rank(a) < rank(b);
    });
    return errors;
  }
  return profile;
}

Result<SimulatorProfile> LoadSimulatorProfile(const std::string& path) {
  Result<std::string> text = ReadUserFile(path);
  if (!text.ok()) {
    Error e = text.error();  // "cannot read file (No such file or directory)" -> the reason
    const std::string prefix = "cannot read file (";
    if (e.message.starts_with(prefix) && e.message.ends_with(")")) {
      e.message = e.message.substr(prefix.size(), e.message.size() - prefix.size() - 1);
    }
    e.message = "cannot read simulator profile: " + e.message;
    return e;
  }
  return ParseSimulatorProfile(text.value(), path);
}

}  // namespace taskcost
