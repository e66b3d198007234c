// A small scored-review world for the review tests: a suite.yaml with a review: block and a run
// directory (run.json + attempts.jsonl) of two candidates, written into a temporary directory.
// big (baseline) costs $0.0035 per task, small $0.00021, every task succeeds unless marked.
// Header-only test helpers; not synchronised.
#pragma once

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <utility>

#include "harness/core/model/attempt.h"
#include "harness/core/loading/run_manifest.h"
#include "tests/core/config_test_util.h"

namespace taskcost::testing {

/// A temporary directory removed on destruction (the config tests' TempDir).
using ReviewTempDir = TempDir;

inline std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

/// The run: samples s1..s<n>, candidates big (baseline) and small; `outputs` and `failed`
/// override the answer text or success of one (sample, candidate).
struct ReviewRun {
  int samples = 4;
  std::string run_id = "2026-11-23T10-04-12Z";
  std::map<std::pair<std::string, std::string>, std::string> outputs;
  std::map<std::pair<std::string, std::string>, bool> failed;
  // Applied last to the attempt of one (sample, candidate): checks, validation errors, ...
  std::map<std::pair<std::string, std::string>, std::function<void(Attempt&)>> edits;
  std::string review_block =
      "review:\n"
      "  scale: [1, 5]\n"
      "  labels: {5: \"correct and complete\", 1: \"wrong\"}\n"
      "  tolerance: 0.5\n"
      "  instructions: \"Judge the category only.\"\n";

  std::string SuiteYaml() const {
    std::string yaml = "suite: rtriage\nunit: ticket\nsamples:\n";
    for (int i = 1; i <= samples; ++i) {
      yaml += "  - {id: s" + std::to_string(i) + ", text: \"ticket number " + std::to_string(i) +
              "\"}\n";
    }
    yaml +=
        "prompt:\n  system: \"Classify the ticket.\"\n  user: \"Ticket: {{text}}\"\n"
        "output:\n  schema: {type: object, properties: {category: {type: string}}}\n"
        "candidates:\n"
        "  - {id: big, provider: openai, model: m-big, baseline: true}\n"
        "  - {id: small, provider: openai, model: m-small}\n" +
        review_block;
    return yaml;
  }

  RunManifest Manifest(const std::string& suite_file) const {
    RunManifest m;
    m.run_id = run_id;
    m.suite_name = "rtriage";
    m.suite_file = suite_file;
    m.suite_hash = "sha256:0";
    m.unit = "ticket";
    m.taskcost_version = "0.1.0";
    m.started_unix_ms = 1795428252000;
    m.ended_unix_ms = 1795428341000;
    for (int i = 1; i <= samples; ++i) m.sample_ids.push_back("s" + std::to_string(i));
    for (const char* id : {"big", "small"}) {
      ManifestCandidate c;
      c.id = id;
      c.provider = "openai";
      c.provider_kind = "openai";
      c.model = std::string("m-") + id;
      c.baseline = c.id == "big";
      c.price.model = c.model;
      c.price.input = Money::FromPicos(c.baseline ? 2'500'000 : 150'000);
      c.price.output = Money::FromPicos(c.baseline ? 10'000'000 : 600'000);
      c.price.as_of = "2026-11-01";
      c.price.source = "https://example.invalid/prices";
      m.candidates.push_back(c);
    }
    m.prices_file = "prices.yaml";
    m.providers_file = "providers.yaml";
    return m;
  }

  /// Writes suite.yaml and run/ (run.json, attempts.jsonl) under `dir`; returns the run dir.
  std::string Write(const ReviewTempDir& dir) const {
    const std::string suite = dir.Write("suite.yaml", SuiteYaml());
    const RunManifest m = Manifest(suite);
    dir.Write("run/run.json", ManifestToJson(m));
    std::string journal = JournalHeaderLine(run_id) + "\n";
    for (const std::string& sample : m.sample_ids) {
      for (const ManifestCandidate& c : m.candidates) {
        Attempt a;
        a.sample_id = sample;
        a.candidate_id = c.id;
        a.http_status = 200;
        a.usage.input_tokens = 1000;
        a.usage.output_tokens = 100;
        // big: 1000 x $2.50/1M + 100 x $10/1M = $0.0035; small: $0.00015 + $0.00006 = $0.00021
        a.cost = Money::FromPicos(1000 * c.price.input.picos() + 100 * c.price.output.picos());
        auto out = outputs.find({sample, c.id});
        a.output = out != outputs.end() ? out->second : "{\"category\":\"billing\"}";
        auto fail = failed.find({sample, c.id});
        a.success = fail == failed.end() || !fail->second;
        if (!a.success) a.error = ErrorClass::kIncorrect;
        if (auto edit = edits.find({sample, c.id}); edit != edits.end()) edit->second(a);
        journal += AttemptToJsonLine(a) + "\n";
      }
    }
    dir.Write("run/attempts.jsonl", journal);
    return dir.path() + "/run";
  }
};

}  // namespace taskcost::testing
