// The command scorer against a script that answers, hangs, crashes, fails and talks garbage.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "harness/core/model/secret.h"
#include "harness/edge/subprocess.h"

#include "scorers/scorer_set.h"
#include "tests/scorers/scorer_fixture.h"

namespace taskcost::command_scorer_test {
namespace {

using std::chrono::milliseconds;

SuccessCriterion Judge(const char* mode, milliseconds timeout = milliseconds(5'000)) {
  SuccessCriterion spec;
  spec.kind = "command";
  spec.command = {"python3", "scripts/judge.py", mode};
  spec.dir = TASKCOST_SOURCE_DIR "/tests/scorers";  // relative script paths resolve here
  spec.timeout = timeout;
  return spec;
}

Sample Invoice() {
  Sample sample;
  sample.id = "inv-1";
  sample.json = R"({"id":"inv-1","text":"...","expected_total":12.5})";
  sample.fields = {{"text", "..."}, {"expected_total", "12.5"}};
  return sample;
}

TEST_CASE("command scorer: gets the sample, the answer and the expected fields, and answers a verdict") {
  Sample sample = Invoice();
  CheckResult right = Evaluate({Judge("total")}, sample, R"({"total":12.5})")[0];
  CHECK(right.name == "command(judge.py)");
  CHECK(right.pass);
  CHECK(right.score == 1.0);
  CHECK(right.reason == "total 12.5 vs 12.5");
  CHECK_FALSE(right.scorer_error);

  CheckResult wrong = Evaluate({Judge("total")}, sample, R"({"total":13})")[0];
  CHECK_FALSE(wrong.pass);
  CHECK_FALSE(wrong.scorer_error);  // a judged failure: the model's
  CHECK(wrong.score == 0.25);
  CHECK(wrong.reason == "total 13 vs 12.5");
  const CheckResult* deciding = nullptr;
  CHECK(ErrorOfChecks({wrong}, &deciding) == ErrorClass::kIncorrect);
}

TEST_CASE("command scorer: hangs, crashes, failures and garbage are scorer errors") {
  Sample sample = Invoice();
  const std::string output = R"({"total":12.5})";
  struct Case {
    const char* mode;
    const char* reason;
  };
  const Case cases[] = {
      {"crash", "crashed (signal 11, Segmentation fault)"},
      {"exit", "exited with status 3: \"Traceback: KeyError 'total'\""},
      {"garbage", "answered \"yes, looks good\", not a JSON object {\"pass\": true|false, ...}"},
      {"no_pass", "answer has no boolean \"pass\": \"{\\\"score\\\": 1}\""},
      {"bad_score",
       "answer's \"score\" must be a number from 0 to 1: \"{\\\"pass\\\": true, \\\"score\\\": 7}\""},
  };
  for (const Case& c : cases) {
    CAPTURE(c.mode);
    CheckResult check = Evaluate({Judge(c.mode)}, sample, output)[0];
    CHECK_FALSE(check.pass);
    CHECK(check.scorer_error);
    CHECK_FALSE(check.score.has_value());
    CHECK(check.reason == c.reason);
    CHECK(ErrorOfChecks({check}, nullptr) == ErrorClass::kScorerError);
  }
  SUBCASE("a program that cannot be started") {
    SuccessCriterion missing = Judge("total");
    missing.command = {"no-such-scorer-program"};
    CheckResult check = Evaluate({missing}, sample, output)[0];
    CHECK(check.scorer_error);
    CHECK(check.reason == "cannot start no-such-scorer-program: No such file or directory");
  }
}

TEST_CASE("command scorer: the program's environment holds no provider key") {
  // Keys the run holds (every Secret made in this process), in variables of any name.
  const Secret key("sk-scorer-env-test-0123456789");
  const Secret short_key("none");
  setenv("TASKCOST_TEST_KEY", "sk-scorer-env-test-0123456789", 1);
  setenv("TASKCOST_TEST_BEARER", "Bearer sk-scorer-env-test-0123456789", 1);
  setenv("TASKCOST_TEST_SHORT_KEY", "none", 1);       // a short key, removed where whole
  setenv("TASKCOST_TEST_PLAIN", "none of your business", 1);  // holds no key: kept
  CheckResult check = Evaluate({Judge("environment")}, Invoice(), "{}")[0];
  for (const char* name : {"TASKCOST_TEST_KEY", "TASKCOST_TEST_BEARER", "TASKCOST_TEST_SHORT_KEY",
                           "TASKCOST_TEST_PLAIN"}) {
    unsetenv(name);
  }
  CHECK(check.pass);
  CHECK(check.reason == "TASKCOST_TEST_PLAIN");
}

TEST_CASE("command scorer: an interrupt (Ctrl-C, SIGTERM) stops a running scorer") {
  // Whether the interrupt comes before the program starts or while it hangs, it ends as
  // stopped, not after its 30 s timeout.
  std::thread interrupt([] { InterruptProcesses(); });
  CheckResult check = Evaluate({Judge("hang", milliseconds(30'000))}, Invoice(), "{}")[0];
  interrupt.join();
  InterruptProcesses(false);
  CHECK(check.scorer_error);
  CHECK(check.reason == "stopped: the run was interrupted while the scorer ran");
}

TEST_CASE("command scorer: a hang is cut at the timeout, children included") {
  Sample sample = Invoice();
  for (const char* mode : {"hang", "hang_child"}) {
    CAPTURE(mode);
    // The script and its child sleep an hour, the child holding stdout open: that Evaluate
    // returns at all (ctest would end the test at 1500 s) proves the whole group was killed,
    // and the reason says the timeout did it. No wall-clock bound to fail on a loaded machine.
    CheckResult check = Evaluate({Judge(mode, milliseconds(300))}, sample, "{}")[0];
    CHECK(check.scorer_error);
    CHECK(check.reason == "timed out after 0.3 s");
  }
}

}  // namespace
}  // namespace taskcost::command_scorer_test
