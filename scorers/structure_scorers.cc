// Built-in scorers over structured values: json_subset (the answer contains the expected
// object) and list_f1 (precision, recall and F1 of a list against the expected list).
#include <cstdint>
#include <map>

#include "scorers/scorer.h"
#include "scorers/scorer_util.h"

namespace taskcost {
namespace {

using nlohmann::json;

// A number as the same number whatever its JSON spelling (25, 25.0); strings folded when asked.
json Canonical(const json& value, bool ignore_case) {
  if (value.is_number_float()) {
    const double d = value.get<double>();
    // The range first: converting a double beyond int64 (1e300) is undefined behaviour.
    if (d > -9e15 && d < 9e15 && d == static_cast<double>(static_cast<int64_t>(d))) {
      return json(static_cast<int64_t>(d));
    }
    return value;
  }
  if (value.is_number_unsigned()) {
    const uint64_t u = value.get<uint64_t>();
    // Above INT64_MAX a cast would make 2^64 - 1 equal to -1 (as would nlohmann's comparison of
    // an integer with an unsigned): such a number is compared as a double.
    if (u > static_cast<uint64_t>(INT64_MAX)) return json(static_cast<double>(u));
    return json(static_cast<int64_t>(u));
  }
  if (value.is_string()) return ignore_case ? json(Lower(value.get<std::string>())) : value;
  if (!value.is_structured()) return value;
  json out = value.is_object() ? json::object() : json::array();
  for (auto it = value.begin(); it != value.end(); ++it) {
    if (value.is_object()) {
      out[it.key()] = Canonical(it.value(), ignore_case);
    } else {
      out.push_back(Canonical(it.value(), ignore_case));
    }
  }
  return out;
}

int64_t Leaves(const json& value) {
  if (!value.is_structured() || value.empty()) return 1;
  int64_t n = 0;
  for (const json& child : value) n += Leaves(child);
  return n;
}

// Walks `expected` against `got`: counts matched leaves and remembers the first mismatch.
struct SubsetWalk {
  int64_t matched = 0;
  std::string first_mismatch;

  void Mismatch(const std::string& pointer, const std::string& what) {
    if (first_mismatch.empty()) first_mismatch = (pointer.empty() ? "/" : pointer) + ": " + what;
  }

  void Walk(const json& expected, const json* got, const std::string& pointer) {
    if (got == nullptr) {
      Mismatch(pointer, "missing");
      return;
    }
    if (expected.is_object() && !expected.empty()) {
      if (!got->is_object()) return Mismatch(pointer, "expected an object, got " + Shown(*got));
      for (auto it = expected.begin(); it != expected.end(); ++it) {
        auto found = got->find(it.key());
        Walk(it.value(), found == got->end() ? nullptr : &*found, pointer + "/" + it.key());
      }
    } else if (expected.is_array() && !expected.empty()) {
      if (!got->is_array()) return Mismatch(pointer, "expected a list, got " + Shown(*got));
      WalkList(expected, *got, pointer);
    } else if (Canonical(expected, false) == Canonical(*got, false)) {
      matched += Leaves(expected);
    } else {
      Mismatch(pointer, "expected " + Shown(expected) + ", got " + Shown(*got));
    }
  }

  // Each expected item takes the first unused item of `got` that contains it wholly; the items
  // left then take, in order, the unused item they match best (partly), if any.
  void WalkList(const json& expected, const json& got, const std::string& pointer) {
    std::vector<bool> used(got.size(), false);
    std::vector<size_t> unmatched;
    for (size_t i = 0; i < expected.size(); ++i) {
      bool found = false;
      for (size_t j = 0; j < got.size() && !found; ++j) {
        if (used[j]) continue;
        SubsetWalk trial;
        trial.Walk(expected[i], &got[j], "");
        found = trial.first_mismatch.empty();
        if (found) {
          used[j] = true;
          matched += trial.matched;
        }
      }
      if (!found) unmatched.push_back(i);
    }
    for (size_t i : unmatched) {
      const std::string at = pointer + "/" + std::to_string(i);
      std::optional<size_t> best;
      SubsetWalk best_walk;
      for (size_t j = 0; j < got.size(); ++j) {
        if (used[j]) continue;
        SubsetWalk trial;
        trial.Walk(expected[i], &got[j], at);
        if (trial.matched > 0 && (!best || trial.matched > best_walk.matched)) {
          best = j;
          best_walk = std::move(trial);
        }
      }
      if (!best) {
        Mismatch(at, "missing");
        continue;
      }
      used[*best] = true;
      matched += best_walk.matched;
      if (first_mismatch.empty()) first_mismatch = best_walk.first_mismatch;
    }
  }
};

class JsonSubset : public Scorer {
 public:
  using Scorer::Scorer;
  CheckResult Score(const ScorerInput& input) const override {
    Result<json> expected = ExpectedJson(spec_.expected_json, spec_.expected, input.sample);
    if (!expected.ok()) return CannotJudge(expected.error().message);
    if (input.json == nullptr) return Failed("output is not JSON");
    const json* got = FindField(*input.json, spec_.field);
    if (got == nullptr) return Failed("field \"" + spec_.field + "\" is missing");
    SubsetWalk walk;
    walk.Walk(expected.value(), got, "");
    const int64_t total = Leaves(expected.value());
    CheckResult result = walk.first_mismatch.empty() ? Passed() : Failed(walk.first_mismatch);
    result.score = static_cast<double>(walk.matched) / static_cast<double>(total);
    if (!result.pass) {
      result.reason += " (" + std::to_string(walk.matched) + " of " + std::to_string(total) +
                       " expected values match)";
    }
    return result;
  }
};

class ListF1 : public Scorer {
 public:
  using Scorer::Scorer;
  CheckResult Score(const ScorerInput& input) const override {
    Result<json> expected = ExpectedJson(spec_.expected_json, spec_.expected, input.sample);
    if (!expected.ok()) return CannotJudge(expected.error().message);
    if (!expected->is_array()) {
      return CannotJudge("the expected value is not a list: " + Shown(expected.value()));
    }
    if (input.json == nullptr) return Failed("output is not JSON");
    const json* got = FindField(*input.json, spec_.field);
    if (got == nullptr) return Failed("field \"" + spec_.field + "\" is missing");
    if (!got->is_array()) return Failed("expected a list, got " + Shown(*got));

    std::map<std::string, int64_t> wanted;
    for (const json& item : expected.value()) ++wanted[Key(item)];
    int64_t true_positives = 0;
    for (const json& item : *got) {
      auto it = wanted.find(Key(item));
      if (it != wanted.end() && it->second > 0) {
        --it->second;
        ++true_positives;
      }
    }
    const double n_got = static_cast<double>(got->size());
    const double n_expected = static_cast<double>(expected->size());
    const double tp = static_cast<double>(true_positives);
    const double precision = n_got == 0 ? (n_expected == 0 ? 1 : 0) : tp / n_got;
    const double recall = n_expected == 0 ? 1 : tp / n_expected;
    const double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    // Compared in ppm so that a threshold of 0.8 means exactly 0.8.
    const bool pass = std::llround(f1 * 1e6) >= spec_.threshold_ppm;
    char text[160];
    std::snprintf(text, sizeof text, "F1 %.3f (precision %.3f, recall %.3f: %lld of %lld "
                  "expected items, %lld items given)",
                  f1, precision, recall, static_cast<long long>(true_positives),
                  static_cast<long long>(expected->size()), static_cast<long long>(got->size()));
    CheckResult result = pass ? Passed(text) : Failed(text);
    result.score = f1;
    return result;
  }

 private:
  // How an item is compared: its `key` field when set, canonical JSON otherwise.
  std::string Key(const json& item) const {
    const json* part = spec_.key.empty() ? &item : FindField(item, spec_.key);
    if (part == nullptr) return "\x01missing";
    const json canonical = Canonical(*part, spec_.ignore_case);
    return canonical.is_string() ? canonical.get<std::string>()
                                 : canonical.dump(-1, ' ', false, json::error_handler_t::replace);
  }
};

}  // namespace

std::unique_ptr<const Scorer> MakeStructureScorer(const SuccessCriterion& spec) {
  if (spec.kind == "json_subset") return std::make_unique<JsonSubset>(spec);
  if (spec.kind == "list_f1") return std::make_unique<ListF1>(spec);
  return nullptr;
}

}  // namespace taskcost
