#include "harness/core/gates/reprice.h"

#include <utility>

#include "harness/core/prices/catalog_writer.h"
#include "harness/core/formats/error_text.h"
#include "harness/core/metrics/metrics.h"
#include "harness/core/render/report_format.h"

namespace taskcost {
namespace {

std::string ChangePercent(Money before, Money after) {
  if (before.picos() == 0) return after.picos() == 0 ? "0.0%" : "n/a";
  return FormatPercent({(after - before).picos(), before.picos()}, true) + "%";
}

}  // namespace

CandidatePrices RecordedPrices(const RunManifest& manifest) {
  CandidatePrices prices;
  for (const ManifestCandidate& c : manifest.candidates) prices[c.id] = c.price;
  for (const ManifestCandidate& c : manifest.candidates) {
    for (const ManifestStep& step : c.steps) prices.emplace(step.candidate, step.price);
  }
  for (const ManifestCandidate& judge : manifest.judges) prices.emplace(judge.id, judge.price);
  return prices;
}

Result<CandidatePrices> PricesFromCatalog(const RunManifest& manifest,
                                          const PriceCatalog& catalog) {
  CandidatePrices prices;
  Errors errors;
  auto look_up = [&](const std::string& id, const std::string& key) {
    if (prices.count(id) != 0) return;
    if (const ModelPrice* price = catalog.Find(key)) {
      prices[id] = *price;
      return;
    }
    errors.push_back(MakeError("no price for " + Quoted(key) + " (candidate " + id + ") in " +
                               catalog.file + DidYouMean(key, catalog.ModelNames())));
  };
  for (const ManifestCandidate& c : manifest.candidates) {
    look_up(c.id, c.price.model.empty() ? c.model : c.price.model);
  }
  for (const ManifestCandidate& c : manifest.candidates) {
    for (const ManifestStep& step : c.steps) look_up(step.candidate, step.price.model);
  }
  for (const ManifestCandidate& judge : manifest.judges) {
    look_up(judge.id, judge.price.model.empty() ? judge.model : judge.price.model);
  }
  if (!errors.empty()) return errors;
  return prices;
}

ModelPrice BatchTier(const ModelPrice& price) {
  ModelPrice batch = price;
  const int64_t keep = 100 - price.batch_discount_percent;
  // Unset cache rates fall back to the list input price, not the discounted one.
  batch.cached_input = price.cached_input.value_or(price.input);
  batch.cache_write = price.cache_write.value_or(price.input);
  batch.input = price.input.Scaled(keep, 100);
  batch.output = price.output.Scaled(keep, 100);
  if (price.reasoning) batch.reasoning = price.reasoning->Scaled(keep, 100);
  batch.batch_discount_percent = 0;
  return batch;
}

PricedRun Reprice(const RunManifest& manifest, const std::vector<Attempt>& attempts,
                  const CandidatePrices& prices) {
  PricedRun run{manifest, attempts};
  // A composite's call is priced as its step's candidate: (candidate id, step id) -> candidate.
  std::map<std::pair<std::string, std::string>, std::string> step_candidates;
  for (ManifestCandidate& c : run.manifest.candidates) {
    auto found = prices.find(c.id);
    if (found != prices.end()) c.price = found->second;
    for (const ManifestStep& step : StepsOf(c)) {
      step_candidates[{c.id, step.id}] = step.candidate;
    }
    for (ManifestStep& step : c.steps) {
      auto price = prices.find(step.candidate);
      if (price != prices.end()) step.price = price->second;
    }
  }
  for (ManifestCandidate& judge : run.manifest.judges) {
    auto found = prices.find(judge.id);
    if (found != prices.end()) judge.price = found->second;
  }
  for (Attempt& a : run.attempts) {
    for (JudgeCall& call : a.judge_calls) {  // evaluation overhead, at its judge's new price
      auto found = prices.find(call.judge);
      if (found != prices.end()) call.cost = CallCost(found->second, call.usage, call.latency_us);
    }
    std::string payer = a.candidate_id;
    if (!a.step.empty()) {
      auto step = step_candidates.find({a.candidate_id, a.step});
      if (step == step_candidates.end()) continue;  // a step the manifest does not name
      payer = step->second;
    }
    auto found = prices.find(payer);
    if (found != prices.end()) a.cost = CallCost(found->second, a.usage, a.latency_us);
  }
  return run;
}

std::string RepriceSummary(const PricedRun& recorded, const PricedRun& repriced) {
  const Report before = ComputeReport(recorded.manifest, recorded.attempts);
  const Report after = ComputeReport(repriced.manifest, repriced.attempts);
  std::string out = "re-priced from recorded usage (total cost per candidate, recorded -> now):\n";
  for (const ManifestCandidate& c : repriced.manifest.candidates) {
    const CandidateMetrics* was = before.Find(c.id);
    const CandidateMetrics* now = after.Find(c.id);
    const ManifestCandidate* old_c = nullptr;
    for (const ManifestCandidate& o : recorded.manifest.candidates) {
      if (o.id == c.id && old_c == nullptr) old_c = &o;
    }
    if (was == nullptr || now == nullptr || old_c == nullptr) continue;
    out += "  " + c.id + ": $" + FormatUsd(was->total_cost) + " -> $" + FormatUsd(now->total_cost) +
           " (" + ChangePercent(was->total_cost, now->total_cost) + ")";
    std::vector<std::string> changes = RateChanges(old_c->price, c.price);
    const bool by_time = c.price.TimePriced() || old_c->price.TimePriced();
    out += changes.empty() ? "; same rates\n"
                           : "; " + JoinNames(changes) + (by_time ? "\n" : " per 1M tokens\n");
  }
  if (before.judge_calls > 0) {
    out += "  LLM judges (evaluation overhead, in no task's cost): $" +
           FormatUsd(before.judge_cost) + " -> $" + FormatUsd(after.judge_cost) + " (" +
           ChangePercent(before.judge_cost, after.judge_cost) + ")\n";
  }
  return out;
}

}  // namespace taskcost
