#include "harness/core/loading/run_manifest.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>

namespace taskcost::run_manifest_test {
namespace {

Money Usd(const char* text) { return Money::ParseUsd(text).value(); }

Attempt FullAttempt() {
  Attempt a;
  a.sample_id = "t-017";
  a.candidate_id = "gpt-4o-mini";
  a.repeat = 2;
  a.attempt = 3;
  a.started_unix_ms = 1'800'000'123'456;
  a.latency_us = 812'345;
  a.http_status = 200;
  a.error = ErrorClass::kInvalidOutput;
  a.error_message = "/category: \"x\" is not one of [\"billing\"]";
  a.retry_after_ms = 1500;
  a.finish_reason = "stop";
  a.request_id = "req_abc";
  a.usage = Usage{1000, 24, 8, 200, 64};
  a.usage_raw = R"({"prompt_tokens":1024,"completion_tokens":200,"z_first":true,"a_last":1.5})";
  // 1,000 x $0.15/1M + 200 x $0.60/1M = $0.00015 + $0.00012 = $0.00027 = 270,000,000 picos.
  a.cost = Money::FromPicos(270'000'000);
  a.output = std::string("{\"a\":\"caf\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x99\x82\"}\n\t\"\\") +
             std::string("\x01\x1f\x7f end", 8) + std::string(1, '\0') + "nul";
  a.validation_errors = {"/category: not allowed", "/priority: missing"};
  a.checks = {{"field_equals(category)", false, "expected \"billing\", got \"account\""},
              {"schema", true, ""}};
  a.success = false;
  return a;
}

void CheckSameAttempt(const Attempt& a, const Attempt& b) {
  CHECK(a.sample_id == b.sample_id);
  CHECK(a.candidate_id == b.candidate_id);
  CHECK(a.repeat == b.repeat);
  CHECK(a.attempt == b.attempt);
  CHECK(a.started_unix_ms == b.started_unix_ms);
  CHECK(a.latency_us == b.latency_us);
  CHECK(a.http_status == b.http_status);
  CHECK(a.error == b.error);
  CHECK(a.error_message == b.error_message);
  CHECK(a.retry_after_ms == b.retry_after_ms);
  CHECK(a.finish_reason == b.finish_reason);
  CHECK(a.request_id == b.request_id);
  CHECK(a.usage == b.usage);
  CHECK(a.usage_raw == b.usage_raw);
  CHECK(a.cost == b.cost);
  CHECK(a.output == b.output);
  CHECK(a.validation_errors == b.validation_errors);
  REQUIRE(a.checks.size() == b.checks.size());
  for (size_t i = 0; i < a.checks.size(); ++i) {
    CHECK(a.checks[i].name == b.checks[i].name);
    CHECK(a.checks[i].pass == b.checks[i].pass);
    CHECK(a.checks[i].reason == b.checks[i].reason);
  }
  CHECK(a.success == b.success);
  CHECK(a.cached == b.cached);
}

std::string ErrorOf(std::string_view line) {
  Result<Attempt> r = AttemptFromJsonLine(line);
  REQUIRE_FALSE(r.ok());
  return r.error().ToString();
}

}  // namespace

TEST_CASE("run_manifest: an attempt line round-trips exactly") {
  const Attempt original = FullAttempt();
  const std::string line = AttemptToJsonLine(original);
  CHECK(line.find('\n') == std::string::npos);  // one line, whatever the output holds
  Result<Attempt> back = AttemptFromJsonLine(line);
  REQUIRE(back.ok());
  CheckSameAttempt(original, back.value());
  CHECK(AttemptToJsonLine(back.value()) == line);

  SUBCASE("control characters are escaped, unicode is kept as UTF-8") {
    CHECK(line.find(R"(\u0001\u001f)") != std::string::npos);
    CHECK(line.find(R"(\u0000nul)") != std::string::npos);
    CHECK(line.find("caf\xC3\xA9") != std::string::npos);
  }
  SUBCASE("usage_raw is embedded as JSON, keeping the provider's key order") {
    CHECK(line.find(R"("usage_raw":{"prompt_tokens":1024,"completion_tokens":200,)"
                    R"("z_first":true,"a_last":1.5})") != std::string::npos);
  }
}

TEST_CASE("run_manifest: an attempt line has a stable key order and null rules") {
  Attempt a;
  a.sample_id = "s1";
  a.candidate_id = "c1";
  a.repeat = 0;
  a.attempt = 1;
  a.started_unix_ms = 1700000000000;
  a.latency_us = 250000;
  a.http_status = 200;
  a.finish_reason = "stop";
  a.usage = Usage{1000, 0, 0, 200, 0};
  a.cost = Money::FromPicos(8'000'000'000);  // 1,000 x $5/1M + 200 x $15/1M = $0.008
  a.output = R"({"ok":true})";
  a.checks = {{"schema", true, ""}};
  a.success = true;
  CHECK(AttemptToJsonLine(a) ==
        R"({"type":"attempt","sample":"s1","candidate":"c1","repeat":0,"attempt":1,)"
        R"("started_unix_ms":1700000000000,"latency_us":250000,"http_status":200,)"
        R"("error":null,"error_message":"","retry_after_ms":null,"finish_reason":"stop",)"
        R"("request_id":"","usage":{"input_tokens":1000,"cached_input_tokens":0,)"
        R"("cache_write_tokens":0,"output_tokens":200,"reasoning_tokens":0},)"
        R"("usage_raw":null,"cost_picousd":8000000000,"cost_usd":0.008,)"
        R"("output":"{\"ok\":true}","validation_errors":[],)"
        R"("checks":[{"name":"schema","pass":true,"reason":""}],"success":true})");

  SUBCASE("a usage_raw that is not a JSON object is kept as a string") {
    a.usage_raw = "not json";
    std::string line = AttemptToJsonLine(a);
    CHECK(line.find(R"("usage_raw":"not json")") != std::string::npos);
    CHECK(AttemptFromJsonLine(line).value().usage_raw == "not json");
  }
  SUBCASE("a usage_raw spread over lines is compacted, so the attempt stays one line") {
    a.usage_raw = "{\n  \"prompt_tokens\": 12,\n  \"completion_tokens\": 3\n}";
    std::string line = AttemptToJsonLine(a);
    CHECK(line.find('\n') == std::string::npos);
    CHECK(line.find(R"("usage_raw":{"prompt_tokens":12,"completion_tokens":3})") !=
          std::string::npos);
  }
  SUBCASE("a usage_raw that only starts like JSON is kept as a string") {
    a.usage_raw = R"({"prompt_tokens":12,)";
    std::string line = AttemptToJsonLine(a);
    CHECK(line.find(R"("usage_raw":"{\"prompt_tokens\":12,")") != std::string::npos);
    CHECK(AttemptFromJsonLine(line).value().usage_raw == a.usage_raw);
  }
  SUBCASE("invalid UTF-8 in the output becomes U+FFFD instead of failing") {
    a.output = "bad \xFF byte";
    Result<Attempt> back = AttemptFromJsonLine(AttemptToJsonLine(a));
    REQUIRE(back.ok());
    CHECK(back.value().output == "bad \xEF\xBF\xBD byte");
  }
  SUBCASE("unknown fields are ignored (compatible additions)") {
    std::string line = AttemptToJsonLine(a);
    line.insert(line.size() - 1, R"(,"added_later":{"x":1})");
    CHECK(AttemptFromJsonLine(line).ok());
  }
}

TEST_CASE("run_manifest: cached is an optional field, written only when true") {
  Attempt a = FullAttempt();
  const std::string plain = AttemptToJsonLine(a);
  CHECK(plain.find("cached\"") == std::string::npos);  // lines of uncached calls are unchanged
  CHECK_FALSE(AttemptFromJsonLine(plain).value().cached);

  a.cached = true;
  const std::string cached = AttemptToJsonLine(a);
  CHECK(cached.substr(cached.size() - 30) == R"("success":false,"cached":true})");
  Result<Attempt> back = AttemptFromJsonLine(cached);
  REQUIRE(back.ok());
  CheckSameAttempt(a, back.value());
  CHECK(AttemptToJsonLine(back.value()) == cached);

  SUBCASE("cached must be a boolean") {
    std::string line = cached;
    line.replace(line.size() - 5, 4, "\"y\"");
    CHECK(ErrorOf(line) == "/cached: expected true or false, got string");
  }
}

TEST_CASE("run_manifest: a bad attempt line names the field by its JSON pointer") {
  std::string line = AttemptToJsonLine(FullAttempt());
  auto replace = [&](const std::string& from, const std::string& to) {
    std::string out = line;
    size_t at = out.find(from);
    REQUIRE(at != std::string::npos);
    return out.replace(at, from.size(), to);
  };
  CHECK(ErrorOf(replace(R"("output_tokens":200,)", "")) == "/usage/output_tokens: missing");
  CHECK(ErrorOf(replace(R"("repeat":2)", R"("repeat":"2")")) ==
        "/repeat: expected an integer, got string");
  CHECK(ErrorOf(replace(R"("error":"invalid_output")", R"("error":"oops")")) ==
        "/error: unknown error class \"oops\"");
  CHECK(ErrorOf(replace(R"("pass":true)", R"("pass":1)")) ==
        "/checks/1/pass: expected true or false, got number");
  CHECK(ErrorOf(replace(R"("cost_picousd":270000000)", R"("cost_picousd":2.7e8)")) ==
        "/cost_picousd: expected an integer, got number");
  CHECK(ErrorOf(JournalHeaderLine("r1")) == "/type: expected \"attempt\", got \"header\"");
  CHECK(ErrorOf("[1,2]") == "/: expected an object, got array");
  CHECK(ErrorOf(R"({"type":"attempt","sample":)") ==
        "invalid JSON: parse error at line 1, column 28: syntax error while parsing value - "
        "unexpected end of input; expected '[', '{', or a literal");
}

TEST_CASE("run_manifest: a judge line has a stable key order and round-trips") {
  JudgeCall j;
  j.sample_id = "t-017";
  j.candidate_id = "cascade";
  j.repeat = 1;
  j.step = "gpt-4.1-mini";
  j.attempt = 2;
  j.check = 2;
  j.judge = "judge(tone)";
  j.model = "gpt-4.1";
  j.call = 1;
  j.started_unix_ms = 1795428253001;
  j.latency_us = 640000;
  j.http_status = 200;
  j.usage.input_tokens = 412;
  j.usage.output_tokens = 31;
  j.usage_raw = R"({"prompt_tokens":412,"completion_tokens":31})";
  j.cost = Money::FromPicos(1'072'000'000);  // 412 x $2/1M + 31 x $8/1M
  j.verdict = CheckResult{"judge(tone)", true, "Polite."};
  j.verdict->score = 0.9;
  j.verdict->quality = true;
  const std::string line = JudgeCallToJsonLine(j);
  CHECK(line ==
        R"j({"type":"judge","sample":"t-017","candidate":"cascade","repeat":1,)j"
        R"j("step":"gpt-4.1-mini","attempt":2,"check":2,"judge":"judge(tone)",)j"
        R"j("model":"gpt-4.1","call":1,"started_unix_ms":1795428253001,"latency_us":640000,"http_status":200,)j"
        R"j("error":null,"error_message":"","usage":{"input_tokens":412,)j"
        R"j("cached_input_tokens":0,)j"
        R"j("cache_write_tokens":0,"output_tokens":31,"reasoning_tokens":0},)j"
        R"j("usage_raw":{"prompt_tokens":412,"completion_tokens":31},"cost_picousd":1072000000,)j"
        R"j("cost_usd":0.001072,"verdict":{"name":"judge(tone)","pass":true,"reason":"Polite.",)j"
        R"j("score":0.9,"quality":true}})j");
  Result<JournalRecord> read = JournalRecordFromJsonLine(line);
  REQUIRE(read.ok());
  REQUIRE(std::holds_alternative<JudgeCall>(read.value()));
  CHECK(JudgeCallToJsonLine(std::get<JudgeCall>(read.value())) == line);

  SUBCASE("a call that will be retried has a null verdict") {
    j.verdict.reset();
    j.error = ErrorClass::kServer;
    j.http_status = 500;
    const std::string retried = JudgeCallToJsonLine(j);
    CHECK(retried.find(R"("error":"server")") != std::string::npos);
    CHECK(retried.find(R"("verdict":null)") != std::string::npos);
    Result<JournalRecord> again = JournalRecordFromJsonLine(retried);
    REQUIRE(again.ok());
    CHECK_FALSE(std::get<JudgeCall>(again.value()).verdict.has_value());
  }
  SUBCASE("an attempt line reads as an attempt") {
    Result<JournalRecord> attempt = JournalRecordFromJsonLine(AttemptToJsonLine(FullAttempt()));
    REQUIRE(attempt.ok());
    CHECK(std::holds_alternative<Attempt>(attempt.value()));
  }
}

TEST_CASE("run_manifest: the journal header carries the format version") {
  CHECK(JournalHeaderLine("2026-11-23T10-04-12Z") ==
        R"({"type":"header","format":"taskcost-journal","version":3,)"
        R"("run_id":"2026-11-23T10-04-12Z"})");
  // Versions 1 (before judge lines) and 2 (before sent lines) are still read.
  CHECK(ReadJournalHeader(JournalHeaderLine("r2", 2), "attempts.jsonl").value() == "r2");
  CHECK(ReadJournalHeader(R"({"type":"header","format":"taskcost-journal","version":1,)"
                          R"("run_id":"r1"})",
                          "attempts.jsonl")
            .value() == "r1");
  CHECK(ReadJournalHeader(JournalHeaderLine("r7"), "attempts.jsonl").value() == "r7");
  CHECK(CheckJournalHeader(JournalHeaderLine("r7"), "attempts.jsonl").ok());

  SUBCASE("a newer version is refused and says which version this build reads") {
    Status s = CheckJournalHeader(
        R"({"type":"header","format":"taskcost-journal","version":4,"run_id":"r"})",
        "attempts.jsonl");
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().ToString() ==
          "attempts.jsonl:1: /version: journal format version 4 is newer than this build of "
          "taskcost reads (version 3); upgrade taskcost");
  }
  SUBCASE("an attempt line where the header belongs is not a journal") {
    Status s = CheckJournalHeader(AttemptToJsonLine(FullAttempt()), "attempts.jsonl");
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().ToString() ==
          "attempts.jsonl:1: not a taskcost journal: the first line is not a journal header");
  }
}

namespace {

RunManifest FullManifest() {
  RunManifest m;
  m.run_id = "2026-11-23T10-04-12Z";
  m.suite_name = "support-triage";
  m.suite_file = "suites/support-triage/suite.yaml";
  m.suite_hash = "sha256:0123abcd";
  m.unit = "ticket classified";
  m.taskcost_version = "0.1.0";
  m.started_unix_ms = 1'800'000'000'000;
  m.ended_unix_ms = 1'800'000'090'000;
  m.simulated = true;
  m.repeats = 2;
  m.sample_ids = {"t-001", "t-002", "t-\xC3\xA9"};
  ManifestCandidate base{"gpt-4o", "openai", "openai", "gpt-4o", true, {}};
  base.price.model = "gpt-4o";
  base.price.input = Usd("2.50").DividedBy(1'000'000);   // 2,500,000 picos per token
  base.price.output = Usd("10").DividedBy(1'000'000);
  base.price.cached_input = Usd("1.25").DividedBy(1'000'000);
  base.price.as_of = "2026-11-01";
  base.price.source = "https://example.invalid/pricing";
  ManifestCandidate mini{"mini", "openai", "openai", "gpt-4o-mini", false, {}};
  mini.price.model = "gpt-4o-mini";
  mini.price.input = Money::FromPicos(150'000);           // $0.15 per 1M
  mini.price.output = Money::FromPicos(600'000);          // $0.60 per 1M
  mini.price.cache_write = Money::FromPicos(1);           // $0.000001 per 1M, the finest step
  mini.price.reasoning = Money::FromPicos(12'345'678);    // $12.345678 per 1M
  mini.price.batch_discount_percent = 50;
  m.candidates = {base, mini};
  m.human = HumanAlternative{true, 2'000'000, Usd("50"), 200'000};
  m.volume_per_month = 50'000;
  m.policy.max_attempts = 4;
  m.policy.retry_on = {ErrorClass::kRateLimit, ErrorClass::kTimeout};
  m.policy.timeout = std::chrono::milliseconds(30'000);
  m.budget = Usd("2.00");
  m.prices_file = "configs/prices.yaml";
  m.providers_file = "configs/providers.yaml";
  return m;
}

std::string ManifestError(const std::string& text) {
  Result<RunManifest> r = ManifestFromJson(text, "results/x/run.json");
  REQUIRE_FALSE(r.ok());
  return r.error().ToString();
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("run_manifest: the LLM judges are listed only when the suite has some") {
  RunManifest m = FullManifest();
  CHECK(ManifestToJson(m).find("\"judges\"") == std::string::npos);
  ManifestCandidate judge = m.candidates[1];
  judge.id = "judge(tone)";
  judge.baseline = false;
  m.judges.push_back(judge);
  const std::string text = ManifestToJson(m);
  CHECK(text.find("\"judges\": [") != std::string::npos);
  Result<RunManifest> back = ManifestFromJson(text, "run.json");
  REQUIRE(back.ok());
  REQUIRE(back->judges.size() == 1);
  CHECK(back->judges[0].id == "judge(tone)");
  CHECK(back->judges[0].price.input.picos() == 150'000);
  CHECK(ManifestToJson(back.value()) == text);
}

TEST_CASE("run_manifest: run.json round-trips with exact money") {
  const RunManifest original = FullManifest();
  const std::string text = ManifestToJson(original);
  Result<RunManifest> back = ManifestFromJson(text, "run.json");
  REQUIRE(back.ok());
  CHECK(ManifestToJson(back.value()) == text);
  const RunManifest& m = back.value();
  CHECK(m.sample_ids == original.sample_ids);
  REQUIRE(m.candidates.size() == 2);
  CHECK(m.Baseline()->id == "gpt-4o");
  CHECK(m.candidates[1].price.input.picos() == 150'000);
  CHECK(m.candidates[1].price.cache_write->picos() == 1);
  CHECK(m.candidates[1].price.reasoning->picos() == 12'345'678);
  CHECK_FALSE(m.candidates[0].price.cache_write.has_value());
  CHECK(m.human.micro_minutes_per_task == 2'000'000);
  CHECK(m.human.review_micro_minutes_per_task == 200'000);
  CHECK(m.human.hourly_rate == Usd("50"));
  CHECK(m.policy.retry_on == original.policy.retry_on);
  CHECK(m.policy.timeout.count() == 30'000);
  CHECK(m.budget == Usd("2"));

  SUBCASE("prices are exact decimal strings per 1M tokens") {
    CHECK(text.find(R"("input_per_1m": "2.5")") != std::string::npos);
    CHECK(text.find(R"("cached_input_per_1m": "1.25")") != std::string::npos);
    CHECK(text.find(R"("cache_write_per_1m": "0.000001")") != std::string::npos);
    CHECK(text.find(R"("reasoning_per_1m": "12.345678")") != std::string::npos);
    CHECK(text.find(R"("cache_write_per_1m": null)") != std::string::npos);
  }
  SUBCASE("human minutes and rate are exact strings; budget has picos and a double") {
    CHECK(text.find(R"("minutes_per_task": "2")") != std::string::npos);
    CHECK(text.find(R"("review_minutes_per_task": "0.2")") != std::string::npos);
    CHECK(text.find(R"("hourly_rate": "50")") != std::string::npos);
    CHECK(text.find(R"("budget_picousd": 2000000000000)") != std::string::npos);
    CHECK(text.find(R"("budget_usd": 2.0)") != std::string::npos);
  }
  SUBCASE("no human block and no budget are written as null") {
    RunManifest bare = original;
    bare.human = HumanAlternative{};
    bare.budget.reset();
    std::string bare_text = ManifestToJson(bare);
    CHECK(bare_text.find(R"("human": null)") != std::string::npos);
    CHECK(bare_text.find(R"("budget_usd": null)") != std::string::npos);
    Result<RunManifest> read = ManifestFromJson(bare_text, "run.json");
    REQUIRE(read.ok());
    CHECK_FALSE(read.value().human.present);
    CHECK_FALSE(read.value().budget.has_value());
  }
}

TEST_CASE("run_manifest: a cascade records every step's price, old readers keep the first") {
  RunManifest m = FullManifest();
  ManifestCandidate cascade{"mini-then-4o", "openai", "openai", "cascade: mini > gpt-4o", false,
                            m.candidates[1].price};
  ModelPrice local;
  local.model = "local-llama";
  local.gpu_hour = Money::ParseUsd("2.40").value();
  local.concurrency = 8;
  cascade.steps = {ManifestStep{"mini", "mini", m.candidates[1].price},
                   ManifestStep{"local", "local", local}};
  m.candidates.push_back(cascade);
  const std::string text = ManifestToJson(m);
  Result<RunManifest> back = ManifestFromJson(text, "run.json");
  REQUIRE(back.ok());
  CHECK(ManifestToJson(back.value()) == text);
  const ManifestCandidate& read = back->candidates[2];
  CHECK(read.price.input.picos() == 150'000);  // `price`: the first step's, as before
  REQUIRE(read.steps.size() == 2);
  CHECK(read.steps[0].candidate == "mini");
  CHECK(read.steps[0].price.output.picos() == 600'000);
  CHECK(read.steps[1].id == "local");
  CHECK(read.steps[1].price.gpu_hour == Money::ParseUsd("2.40").value());
  CHECK(read.steps[1].price.concurrency == 8);
  CHECK(text.find(R"("gpu_hour_usd": "2.4")") != std::string::npos);
  // A single model writes no steps key, so its entry reads as before.
  CHECK(back->candidates[0].steps.empty());
  CHECK(text.find(R"("steps")") == text.rfind(R"("steps")"));  // the cascade's only
}

TEST_CASE("run_manifest: the steps of a run.json without them are read from the model") {
  ManifestCandidate chain{"c", "openai", "openai", "chain: draft (gpt-4.1-nano) > refine (big)"};
  const std::vector<ManifestStep> steps = StepsOf(chain);
  REQUIRE(steps.size() == 2);
  CHECK(steps[0].id == "draft");
  CHECK(steps[0].candidate == "gpt-4.1-nano");
  CHECK(steps[1].id == "refine");
  CHECK(steps[1].candidate == "big");
  ManifestCandidate cascade{"k", "openai", "openai", "cascade: a.1 > b:2 > c"};
  const std::vector<ManifestStep> members = StepsOf(cascade);
  REQUIRE(members.size() == 3);
  CHECK(members[1].id == "b:2");
  CHECK(members[1].candidate == "b:2");
  CHECK(StepsOf(ManifestCandidate{"m", "openai", "openai", "gpt-4.1"}).empty());
}

TEST_CASE("run_manifest: run.json errors name the file and the field's JSON pointer") {
  const std::string text = ManifestToJson(FullManifest());
  CHECK(ManifestError(Replace(text, R"("input_per_1m": "2.5")", R"("input_per_1m": 2.5)")) ==
        "results/x/run.json: /candidates/0/price/input_per_1m: expected a string, got number");
  CHECK(ManifestError(Replace(text, R"("output_per_1m": "0.6")", R"("output_per_1m": "0.6e-7")")) ==
        "results/x/run.json: /candidates/1/price/output_per_1m: \"0.6e-7\" is finer than 1e-6 "
        "and cannot be represented exactly");
  CHECK(ManifestError(Replace(text, "\"timeout\"\n", "\"tmeout\"\n")) ==
        "results/x/run.json: /policy/retry_on/1: unknown error class \"tmeout\"");
  CHECK(ManifestError(Replace(text, R"("repeats": 2,)", "")) ==
        "results/x/run.json: /repeats: missing");
  CHECK(ManifestError(Replace(text, R"("version": 1,)", R"("version": 3,)")) ==
        "results/x/run.json: /version: run manifest format version 3 is newer than this build "
        "of taskcost reads (version 1); upgrade taskcost");
  CHECK(ManifestError(Replace(text, R"("format": "taskcost-run")", R"("format": "other")")) ==
        "results/x/run.json: /format: expected \"taskcost-run\", got \"other\": not a taskcost "
        "run manifest");
  CHECK(ManifestError("{\n  \"format\": ") ==
        "results/x/run.json: invalid JSON: parse error at line 2, column 13: syntax error while "
        "parsing value - unexpected end of input; expected '[', '{', or a literal");
}

}  // namespace taskcost::run_manifest_test

namespace taskcost::run_manifest_test {

TEST_CASE("run_manifest: the settings --resume keeps round-trip, and are optional") {
  RunManifest m = FullManifest();
  CHECK(ManifestToJson(m).find("results_dir") == std::string::npos);  // unset: not written
  Result<RunManifest> old = ManifestFromJson(ManifestToJson(m), "run.json");
  REQUIRE(old.ok());
  CHECK_FALSE(old->results_dir.has_value());
  CHECK_FALSE(old->cache_dir.has_value());
  m.results_dir = "/home/ana/taskcost/results";
  m.cache_dir = "";  // --no-cache
  m.simulator_profile = "/home/ana/taskcost/configs/simulator.yaml";
  Result<RunManifest> back = ManifestFromJson(ManifestToJson(m), "run.json");
  REQUIRE(back.ok());
  CHECK(back->results_dir == "/home/ana/taskcost/results");
  CHECK(back->cache_dir == "");
  CHECK(back->simulator_profile == "/home/ana/taskcost/configs/simulator.yaml");
}

TEST_CASE("run_manifest: numbers past a double and deep nesting in run.json are located") {
  const std::string text = ManifestToJson(FullManifest());
  // "volume_per_month": 50000 sits on its own line; the number starts after the key.
  const std::string huge =
      Replace(text, "\"volume_per_month\": 50000", "\"volume_per_month\": 1e999");
  const size_t at = huge.find("1e999");
  const int line = static_cast<int>(std::count(huge.begin(), huge.begin() + at, '\n')) + 1;
  CHECK(ManifestError(huge) == "results/x/run.json:" + std::to_string(line) +
                                   ":23: the number 1e999 is too large to hold");
  const std::string deep = Replace(
      text, "\"volume_per_month\": 50000",
      "\"volume_per_month\": 50000, \"x\": " + std::string(100, '[') + std::string(100, ']'));
  CHECK(ManifestError(deep).ends_with(": nested more than 64 levels deep"));
}

}  // namespace taskcost::run_manifest_test
