#include "harness/core/gates/compare.h"

#include <algorithm>
#include <boost/math/distributions/binomial.hpp>
#include <cstdio>
#include <map>
#include <utility>

#include "harness/core/prices/catalog_writer.h"
#include "harness/core/formats/error_text.h"
#include "harness/core/render/report_format.h"
#include "harness/core/gates/reprice.h"

namespace taskcost {
namespace {

using TaskKey = std::pair<std::string, int>;  // sample id, repeat

struct Outcome {
  int attempt = 0;
  bool success = false;
};

// Each task's outcome for one candidate: its highest-numbered attempt's (a later journal line
// with the same number wins), as ComputeReport counts it.
std::map<TaskKey, Outcome> TaskOutcomes(const std::vector<Attempt>& attempts,
                                        const std::string& candidate) {
  std::map<TaskKey, Outcome> outcomes;
  for (const Attempt& a : attempts) {
    if (a.candidate_id != candidate) continue;
    Outcome& o = outcomes[{a.sample_id, a.repeat}];
    if (a.attempt >= o.attempt) o = {a.attempt, a.success};
  }
  return outcomes;
}

void PairTasks(const RunData& a, const RunData& b, CandidateChange& change) {
  const std::map<TaskKey, Outcome> in_a = TaskOutcomes(a.attempts, change.id);
  const std::map<TaskKey, Outcome> in_b = TaskOutcomes(b.attempts, change.id);
  for (const std::string& sample : a.manifest.sample_ids) {
    for (int repeat = 0; repeat < a.manifest.repeats; ++repeat) {
      auto ta = in_a.find({sample, repeat});
      auto tb = in_b.find({sample, repeat});
      if (ta == in_a.end() || tb == in_b.end()) continue;
      ++change.pairs;
      const bool sa = ta->second.success, sb = tb->second.success;
      if (sa && sb) ++change.both_succeeded;
      if (!sa && !sb) ++change.both_failed;
      if (sa && !sb) change.lost.push_back({sample, repeat});
      if (!sa && sb) change.gained.push_back({sample, repeat});
    }
  }
  change.mcnemar_p = McNemarExactP(static_cast<int64_t>(change.lost.size()),
                                   static_cast<int64_t>(change.gained.size()));
}

void AddNotes(const RunData& a, const RunData& b, RunComparison& out) {
  if (a.manifest.suite_hash != b.manifest.suite_hash) {
    out.notes.push_back(
        "the suite differs between the runs (suite.yaml, samples or schema); "
        "tasks are paired by sample id");
  }
  if (a.manifest.simulated != b.manifest.simulated) {
    out.notes.push_back("one run is simulated and the other is not");
  }
  for (const CandidateChange& c : out.candidates) {
    std::vector<std::string> rates = RateChanges(c.a.price, c.b.price);
    if (c.a.model != c.b.model)
      rates.insert(rates.begin(), "model " + c.a.model + " -> " + c.b.model);
    if (!rates.empty()) {
      out.notes.push_back(c.id + " was priced differently: " + JoinNames(rates) + " per 1M tokens");
    }
  }
}

std::string TaskList(const std::vector<TaskRef>& tasks, bool with_repeat) {
  std::vector<std::string> names;
  for (const TaskRef& t : tasks) {
    names.push_back(with_repeat ? t.sample_id + "#" + std::to_string(t.repeat + 1) : t.sample_id);
  }
  return names.empty() ? "none" : JoinNames(names);
}

// (after - before) / before for two per-task figures given as fractions, in percent.
std::string PerTaskChange(const Fraction& before, const Fraction& after) {
  if (!before.defined() || !after.defined() || before.num == 0) return "n/a";
  return FormatPercent({after.num * before.den - before.num * after.den, before.num * after.den},
                       true) +
         "%";
}

std::string PValue(double p) {
  if (p < 0.001) return "< 0.001";
  char text[32];
  std::snprintf(text, sizeof text, "= %.3f", p);
  return text;
}

std::string Row(const std::string& name, const std::string& a, const std::string& b,
                const std::string& change) {
  char text[256];
  std::snprintf(text, sizeof text, "  %-34s %s -> %s  %s\n", name.c_str(), a.c_str(), b.c_str(),
                change.c_str());
  return text;
}

std::string SuccessRateText(const CandidateFigures& c) {
  return FormatPercent(c.SuccessRate()) + "% (" + std::to_string(c.successes) + "/" +
         std::to_string(c.TasksFinished()) + ")";
}

std::string RenderCandidate(const RunComparison& r, const CandidateChange& c) {
  std::string out = "\n" + c.id + " (" + std::to_string(c.pairs) + " paired tasks)\n";
  std::string cost_change = "n/a";
  if (c.a.cost_per_success && c.b.cost_per_success && c.a.cost_per_success->picos() != 0) {
    cost_change = FormatPercent({(*c.b.cost_per_success - *c.a.cost_per_success).picos(),
                                 c.a.cost_per_success->picos()},
                                true) +
                  "%";
  }
  out += Row("cost per successful " + r.unit, FormatUsdOrNa(c.a.cost_per_success),
             FormatUsdOrNa(c.b.cost_per_success), cost_change);
  const Fraction rate_change{
      c.b.successes * c.a.TasksFinished() - c.a.successes * c.b.TasksFinished(),
      c.a.TasksFinished() * c.b.TasksFinished()};
  out +=
      Row("success rate", SuccessRateText(c.a), SuccessRateText(c.b),
          (rate_change.defined() ? FormatPercent(rate_change, true) + " pp" : "n/a") +
              "; paired: " + std::to_string(c.lost.size()) + " lost, " +
              std::to_string(c.gained.size()) + " gained, McNemar exact p " + PValue(c.mcnemar_p));
  out += Row("input tokens per task", FormatRatio(c.a.InputTokensPerTask(), 1),
             FormatRatio(c.b.InputTokensPerTask(), 1),
             PerTaskChange(c.a.InputTokensPerTask(), c.b.InputTokensPerTask()));
  out += Row("output tokens per task", FormatRatio(c.a.OutputTokensPerTask(), 1),
             FormatRatio(c.b.OutputTokensPerTask(), 1),
             PerTaskChange(c.a.OutputTokensPerTask(), c.b.OutputTokensPerTask()));
  out += Row("attempts per task", FormatRatio(c.a.AttemptsPerTask(), 2),
             FormatRatio(c.b.AttemptsPerTask(), 2),
             PerTaskChange(c.a.AttemptsPerTask(), c.b.AttemptsPerTask()));
  out += "  success -> failure: " + TaskList(c.lost, r.several_repeats) + "\n";
  out += "  failure -> success: " + TaskList(c.gained, r.several_repeats) + "\n";
  return out;
}

}  // namespace

double McNemarExactP(int64_t b, int64_t c) {
  const int64_t n = b + c;
  if (n <= 0) return 1.0;
  const boost::math::binomial_distribution<double> coin(static_cast<double>(n), 0.5);
  const double tail = boost::math::cdf(coin, static_cast<double>(std::min(b, c)));
  return std::min(1.0, 2.0 * tail);
}

Result<RunComparison> CompareRuns(const RunData& a, const RunData& b) {
  if (a.manifest.suite_name != b.manifest.suite_name) {
    return MakeError("run " + a.label + " is of suite " + Quoted(a.manifest.suite_name) +
                     " and run " + b.label + " of suite " + Quoted(b.manifest.suite_name) +
                     "; compare two runs of the same suite");
  }
  RunComparison out;
  out.suite_name = a.manifest.suite_name;
  out.unit = b.manifest.unit;
  out.a = FiguresOf(a.manifest, a.attempts);
  out.b = FiguresOf(b.manifest, b.attempts);
  out.a_label = a.label;
  out.b_label = b.label;
  out.several_repeats = a.manifest.repeats > 1 || b.manifest.repeats > 1;
  for (const CandidateFigures& fa : out.a.candidates) {
    const CandidateFigures* fb = out.b.Find(fa.id);
    if (fb == nullptr) {
      out.only_in_a.push_back(fa.id);
      continue;
    }
    CandidateChange change{fa.id, fa, *fb};
    PairTasks(a, b, change);
    out.candidates.push_back(std::move(change));
  }
  for (const CandidateFigures& fb : out.b.candidates) {
    if (out.a.Find(fb.id) == nullptr) out.only_in_b.push_back(fb.id);
  }
  AddNotes(a, b, out);
  return out;
}

std::string RenderComparison(const RunComparison& r) {
  std::string out = "taskcost compare: suite " + r.suite_name + "\n  A: " + r.a_label + " (run " +
                    r.a.run_id + ")\n  B: " + r.b_label + " (run " + r.b.run_id + ")\n";
  for (const std::string& note : r.notes) out += "note: " + note + "\n";
  if (!r.only_in_a.empty()) out += "only in A (not compared): " + JoinNames(r.only_in_a) + "\n";
  if (!r.only_in_b.empty()) out += "only in B (not compared): " + JoinNames(r.only_in_b) + "\n";
  for (const CandidateChange& c : r.candidates) out += RenderCandidate(r, c);
  return out;
}

}  // namespace taskcost
