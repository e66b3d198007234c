// Prompt caching in the report (issue 14, item 2, the report half): per candidate the tokens read
// from and written to the providers' caches, the share of input read from cache, the read and
// write cost and the saving against the same usage uncached, in every renderer only when some
// candidate used a cache; and the warning when caching was asked for and nothing was cached.
// Every figure below is worked by hand in the comments.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "harness/core/metrics/metrics.h"
#include "harness/core/render/html_report.h"
#include "harness/core/render/report_csv.h"
#include "harness/core/render/report_json.h"
#include "harness/core/render/report_render.h"
#include "tests/core/report_fixture.h"

namespace taskcost::prompt_cache_report_test {
namespace {

// $X per 1M tokens = X micro-dollars per 1M = X x 10^6 picodollars per token.
Money Per1M(int64_t micro_usd) { return Money::FromPicos(micro_usd); }

ManifestCandidate Candidate(const std::string& id, const std::string& model, bool baseline) {
  ManifestCandidate c = testing::MakeCandidate(id, baseline);
  c.model = model;
  c.price.model = model;
  return c;
}

// sonnet: $3 input, $0.30 cache read, $3.75 cache write, $15 output per 1M tokens.
// haiku:  $1 input, $0.10 cache read, $1.25 cache write, $5 output.
// mini:   $0.40 input, $0.10 cache read, no write price (billed at input), $1.60 output;
//         the catalog's minimum cacheable prefix 1,024 tokens.
RunManifest CacheManifest() {
  RunManifest m;
  m.run_id = "2026-12-07T22-00-00Z";
  m.suite_name = "triage";
  m.sample_ids = {"s1", "s2"};
  ManifestCandidate sonnet = Candidate("sonnet", "claude-sonnet-4-5", true);
  sonnet.price.input = Per1M(3'000'000);
  sonnet.price.cached_input = Per1M(300'000);
  sonnet.price.cache_write = Per1M(3'750'000);
  sonnet.price.output = Per1M(15'000'000);
  ManifestCandidate haiku = Candidate("haiku", "claude-haiku-4-5", false);
  haiku.price.input = Per1M(1'000'000);
  haiku.price.cached_input = Per1M(100'000);
  haiku.price.cache_write = Per1M(1'250'000);
  haiku.price.output = Per1M(5'000'000);
  haiku.price.min_cache_prefix_tokens = 4096;
  ManifestCandidate mini = Candidate("mini", "gpt-4.1-mini", false);
  mini.price.input = Per1M(400'000);
  mini.price.cached_input = Per1M(100'000);
  mini.price.output = Per1M(1'600'000);
  mini.price.min_cache_prefix_tokens = 1024;
  m.candidates = {sonnet, haiku, mini};
  return m;
}

Attempt Call(const std::string& sample, const std::string& candidate, Usage usage, int64_t picos) {
  Attempt a;
  a.sample_id = sample;
  a.candidate_id = candidate;
  a.usage = usage;
  a.usage_raw = "{}";
  a.http_status = 200;
  a.cost = Money::FromPicos(picos);
  a.success = true;
  return a;
}

Usage Tokens(int64_t input, int64_t read, int64_t write, int64_t output) {
  Usage u;
  u.input_tokens = input;
  u.cached_input_tokens = read;
  u.cache_write_tokens = write;
  u.output_tokens = output;
  return u;
}

// sonnet, a write then a read: 500 + 1,000 written + 500 + 8,000 read = 10,000 input tokens.
//   s1: 500 in x 3 + 1,000 written x 3.75 + 100 out x 15 = 1,500 + 3,750 + 1,500
//       = 6,750 micro-dollars = 6,750,000,000 pUSD
//   s2: 500 in x 3 + 8,000 read x 0.30 + 100 out x 15 = 1,500 + 2,400 + 1,500 = 5,400,000,000
//   (its judge's 1,000,000 cache-read tokens are evaluation overhead: in no figure here)
// haiku, a write only: s1 100 in + 5,000 written; s2 100 in, nothing cached.
//   s1: 100 x 1 + 5,000 x 1.25 + 100 x 5 = 100 + 6,250 + 500 = 6,850,000,000 pUSD
//   s2: 100 x 1 + 100 x 5 = 600,000,000 pUSD
// mini, nothing cached: 900 in + 100 out each = 900 x 0.40 + 100 x 1.60 = 520,000,000 pUSD.
std::vector<Attempt> CacheJournal() {
  std::vector<Attempt> attempts = {
      Call("s1", "sonnet", Tokens(500, 0, 1'000, 100), 6'750'000'000),
      Call("s2", "sonnet", Tokens(500, 8'000, 0, 100), 5'400'000'000),
      Call("s1", "haiku", Tokens(100, 0, 5'000, 100), 6'850'000'000),
      Call("s2", "haiku", Tokens(100, 0, 0, 100), 600'000'000),
      Call("s1", "mini", Tokens(900, 0, 0, 100), 520'000'000),
      Call("s2", "mini", Tokens(900, 0, 0, 100), 520'000'000),
  };
  JudgeCall judge;
  judge.usage = Tokens(0, 1'000'000, 0, 10);
  judge.cost = Money::FromPicos(300'000'000'000);
  attempts[1].judge_calls.push_back(judge);
  return attempts;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

bool HasLine(const std::string& text, const std::string& line) {
  for (const std::string& l : Lines(text)) {
    if (l == line) return true;
  }
  return false;
}

TEST_CASE("prompt cache report: reads, writes, share, costs and saving to the picodollar") {
  const Report report = ComputeReport(CacheManifest(), CacheJournal());
  REQUIRE(report.candidates.size() == 3);
  const CandidateMetrics& sonnet = report.candidates[0];
  CHECK(sonnet.input_tokens == 10'000);
  CHECK(sonnet.cache_read_tokens == 8'000);
  CHECK(sonnet.cache_write_tokens == 1'000);
  // 8,000 of 10,000 input tokens read from cache: 80.0%.
  CHECK(sonnet.CacheReadShare().num == 8'000);
  CHECK(sonnet.CacheReadShare().den == 10'000);
  // 8,000 x $0.30/1M = $0.0024; 1,000 x $3.75/1M = $0.00375.
  CHECK(sonnet.cache_read_cost == Money::FromPicos(2'400'000'000));
  CHECK(sonnet.cache_write_cost == Money::FromPicos(3'750'000'000));
  // The same 9,000 tokens at $3/1M = $0.027.
  CHECK(sonnet.cache_uncached_cost == Money::FromPicos(27'000'000'000));
  // 8,000 x (3 - 0.30) + 1,000 x (3 - 3.75) per 1M = 21,600 - 750 = 20,850 micro-dollars
  // = $0.02085.
  CHECK(sonnet.cache_saving == Money::FromPicos(20'850'000'000));
  CHECK(sonnet.total_cost == Money::FromPicos(12'150'000'000));  // the judge is apart

  const CandidateMetrics& haiku = report.candidates[1];
  CHECK(haiku.cache_read_tokens == 0);
  CHECK(haiku.cache_write_tokens == 5'000);
  CHECK(haiku.input_tokens == 5'200);
  CHECK(haiku.cache_read_cost == Money());
  // 5,000 x $1.25/1M = $0.00625 against 5,000 x $1/1M = $0.005: saving -$0.00125.
  CHECK(haiku.cache_write_cost == Money::FromPicos(6'250'000'000));
  CHECK(haiku.cache_saving == Money::FromPicos(-1'250'000'000));
  CHECK(haiku.UsedPromptCache());

  const CandidateMetrics& mini = report.candidates[2];
  CHECK_FALSE(mini.UsedPromptCache());
  CHECK(mini.cache_saving == Money());
  CHECK(mini.largest_input_tokens == 900);
  CHECK(report.UsedPromptCache());
}

TEST_CASE(
    "prompt cache report: a cache read without a cached price is billed at input: no saving") {
  RunManifest m = CacheManifest();
  m.candidates[0].price.cached_input.reset();
  const Report report = ComputeReport(m, CacheJournal());
  const CandidateMetrics& sonnet = report.candidates[0];
  // 8,000 read at $3/1M = $0.024; 1,000 written at $3.75/1M = $0.00375; uncached $0.027:
  // saving 27,000 - 24,000 - 3,750 = -750 micro-dollars.
  CHECK(sonnet.cache_read_cost == Money::FromPicos(24'000'000'000));
  CHECK(sonnet.cache_saving == Money::FromPicos(-750'000'000));
}

TEST_CASE("prompt cache report: one-hour cache writes are costed at the one-hour write price") {
  RunManifest m = CacheManifest();
  m.candidates[0].price.cache_write_1h = Per1M(6'000'000);  // $6 per 1M: 2x the $3 input
  std::vector<Attempt> journal = {
      Call("s1", "sonnet", Tokens(1'000, 0, 1'000, 100), 0),
      Call("s2", "sonnet", Tokens(1'000, 0, 1'000, 100), 0)};
  journal[1].usage.cache_write_1h_tokens = 600;  // of its 1,000 written, 600 for an hour
  const Report report = ComputeReport(m, journal);
  const CandidateMetrics& sonnet = report.candidates[0];
  // Written: 1,000 + 400 at $3.75/1M = 5,250 micro-dollars, 600 at $6/1M = 3,600: $0.00885.
  // Uncached: 2,000 at $3/1M = $0.006; saving 6,000 - 8,850 = -2,850 micro-dollars.
  CHECK(sonnet.cache_write_tokens == 2'000);
  CHECK(sonnet.cache_write_cost == Money::FromPicos(8'850'000'000));
  CHECK(sonnet.cache_saving == Money::FromPicos(-2'850'000'000));
}

TEST_CASE("prompt cache report: a cost past Money's range is the overflow amount, not a wrap") {
  RunManifest m = CacheManifest();
  m.candidates[0].price.cached_input = Money::FromPicos(INT64_MAX / 2);
  const Report report = ComputeReport(m, CacheJournal());
  CHECK(report.candidates[0].cache_read_cost.overflowed());
  CHECK(report.candidates[0].cache_saving.overflowed());
}

TEST_CASE("prompt cache report: the terminal and Markdown tables, exact lines") {
  const Report report = ComputeReport(CacheManifest(), CacheJournal());
  const std::string text = RenderTerminal(report, false);
  CHECK(HasLine(text,
                "prompt caching (provider prompt caches over every attempt; saving: the tokens "
                "read from and written to the cache at the plain input price, minus what they "
                "cost (negative when the writes cost more than the reads saved))"));
  // Share: sonnet 8,000/10,000 = 80.0%; haiku 0/5,200; mini 0/1,800. Saving: see above.
  CHECK(HasLine(text,
                "candidate  cache read tok  cache write tok  read % of input  cache read $  "
                "cache write $  saving $"));
  CHECK(HasLine(text,
                "sonnet               8000             1000             80.0        0.0024  "
                "      0.00375   0.02085"));
  CHECK(HasLine(text,
                "haiku                   0             5000              0.0          0.00  "
                "      0.00625  -0.00125"));
  CHECK(HasLine(text,
                "mini                    0                0              0.0          0.00  "
                "         0.00      0.00"));
  const std::string md = RenderMarkdown(report);
  CHECK(HasLine(md, "#### Prompt caching"));
  CHECK(HasLine(md, "| sonnet | 8000 | 1000 | 80.0 | 0.0024 | 0.00375 | 0.02085 |"));
  CHECK(HasLine(md, "| haiku | 0 | 5000 | 0.0 | 0.00 | 0.00625 | -0.00125 |"));
  // The run did not say caching was asked for: no warning about mini.
  CHECK(text.find("warning:") == std::string::npos);
}

TEST_CASE("prompt cache report: the JSON keys and the CSV columns") {
  ReportOptions options;
  options.keep_tasks = true;
  const Report report = ComputeReport(CacheManifest(), CacheJournal(), options);
  const nlohmann::json j = nlohmann::json::parse(ReportToJson(report));
  const nlohmann::json& cache = j["candidates"][0]["prompt_cache"];
  CHECK(cache["read_tokens"] == 8000);
  CHECK(cache["write_tokens"] == 1000);
  CHECK(cache["read_share"] == 0.8);
  CHECK(cache["read_cost_picousd"] == 2'400'000'000);
  CHECK(cache["write_cost_picousd"] == 3'750'000'000);
  CHECK(cache["uncached_cost_picousd"] == 27'000'000'000);
  CHECK(cache["saving_picousd"] == 20'850'000'000);
  CHECK(cache["saving_usd"] == 0.02085);
  CHECK(j["candidates"][1]["prompt_cache"]["saving_picousd"] == -1'250'000'000);
  CHECK_FALSE(j["candidates"][2].contains("prompt_cache_warning"));

  const std::vector<std::string> csv = Lines(ReportToCsv(report));
  REQUIRE(csv.size() == 7);
  CHECK(csv[0] ==
        "sample,candidate,repeat,attempts,input_tokens,output_tokens,cost_usd,cost_picousd,"
        "success,failure_class,latency_ms,quality,state,cache_read_tokens,cache_write_tokens\r");
  // sonnet s1: 500 + 1,000 written = 1,500 input; s2: 500 + 8,000 read = 8,500.
  CHECK(csv[1] == "s1,sonnet,0,1,1500,100,0.00675,6750000000,true,,0.0,,succeeded,0,1000\r");
  CHECK(csv[2] == "s2,sonnet,0,1,8500,100,0.0054,5400000000,true,,0.0,,succeeded,8000,0\r");

  const std::string html = RenderHtml(report, {});
  CHECK(html.find("Prompt caching") != std::string::npos);
  CHECK(html.find("0.02085") != std::string::npos);
}

TEST_CASE("prompt cache report: caching asked for and never used is a plain warning") {
  RunManifest m = CacheManifest();
  m.prompt_cache = true;
  const Report report = ComputeReport(m, CacheJournal());
  // mini: 900 input tokens at most per request, below gpt-4.1-mini's 1,024.
  const std::string warning =
      "mini: caching was asked for, but no input was read from or written to the cache; its "
      "prefix (at most 900 tokens, its largest request's input) is below the provider's minimum "
      "cacheable length for the model (1,024 tokens)";
  CHECK(HasLine(RenderTerminal(report, false), "warning: " + warning));
  CHECK(HasLine(RenderMarkdown(report), "> **Warning:** " + warning));
  const nlohmann::json j = nlohmann::json::parse(ReportToJson(report));
  CHECK(j["candidates"][2]["prompt_cache_warning"] == warning);
  CHECK_FALSE(j["candidates"][0].contains("prompt_cache_warning"));  // sonnet read and wrote
  CHECK(RenderHtml(report, {}).find("warning: mini: caching was asked for") != std::string::npos);
}

TEST_CASE("prompt cache report: the warning says no more than the figures show") {
  RunManifest m = CacheManifest();
  m.prompt_cache = true;
  m.candidates = {m.candidates[1]};  // haiku, minimum 4,096
  // 5,000 uncached input tokens: the prefix may or may not reach 4,096.
  const Report large = ComputeReport(m, {Call("s1", "haiku", Tokens(5'000, 0, 0, 10), 1)});
  CHECK(PromptCacheWarnings(large) ==
        std::vector<std::string>{
            "haiku: caching was asked for, but no input was read from or written to the cache; "
            "its prefix may be below the provider's minimum cacheable length for the model "
            "(4,096 tokens; its largest request had 5,000 input tokens)"});
  m.candidates[0].price.min_cache_prefix_tokens.reset();
  const Report unknown = ComputeReport(m, {Call("s1", "haiku", Tokens(5'000, 0, 0, 10), 1)});
  CHECK(PromptCacheWarnings(unknown) ==
        std::vector<std::string>{
            "haiku: caching was asked for, but no input was read from or written to the cache; "
            "its prefix may be below the provider's minimum cacheable length for the model (the "
            "price catalog gives none for claude-haiku-4-5)"});
  // No call made: nothing to warn about.
  CHECK(PromptCacheWarnings(ComputeReport(m, {})).empty());
}

TEST_CASE("prompt cache report: a run without cache usage renders no caching figure") {
  ReportOptions options;
  options.keep_tasks = true;
  const Report report =
      ComputeReport(testing::TwoCandidateManifest(4), testing::HandWorkedJournal(), options);
  CHECK_FALSE(report.UsedPromptCache());
  for (const std::string& out :
       {RenderTerminal(report, false), RenderMarkdown(report), RenderHtml(report, {})}) {
    CHECK(out.find("caching") == std::string::npos);
    CHECK(out.find("Prompt") == std::string::npos);
  }
  CHECK(ReportToJson(report).find("prompt_cache") == std::string::npos);
  CHECK(Lines(ReportToCsv(report))[0] ==
        "sample,candidate,repeat,attempts,input_tokens,output_tokens,cost_usd,cost_picousd,"
        "success,failure_class,latency_ms,quality,state\r");
}

}  // namespace
}  // namespace taskcost::prompt_cache_report_test
