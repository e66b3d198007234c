// ReadJournalEach: the streaming journal reader the report path uses (flat memory). ReadJournal
// is built on it, so journal_test.cc covers the shared checks; these cover what only streaming
// shows: attempts handed over one by one, and what a visitor has seen when damage stops it.
#include <doctest/doctest.h>

#include <fstream>

#include "harness/core/loading/run_manifest.h"
#include "harness/edge/journal.h"
#include "tests/edge/temp_dir.h"

namespace taskcost::journal_stream_test {
namespace {

using testing::TempDir;

Attempt Numbered(int i) {
  Attempt a;
  a.sample_id = "s" + std::to_string(i);
  a.candidate_id = "gpt-4.1-mini";
  a.http_status = 200;
  a.cost = Money::FromPicos(1'000 + i);
  a.output = R"({"category":"billing"})";
  a.success = true;
  return a;
}

// A journal of run "run-1": the header, `count` attempt lines, then `tail` verbatim.
std::string WriteJournalText(const TempDir& dir, int count, const std::string& tail = "") {
  const std::string path = dir.File("attempts.jsonl");
  std::ofstream out(path, std::ios::binary);
  out << JournalHeaderLine("run-1") << "\n";
  for (int i = 0; i < count; ++i) out << AttemptToJsonLine(Numbered(i)) << "\n";
  out << tail;
  return path;
}

std::vector<std::string> SampleIdsSeen(const std::string& path, Result<JournalSummary>* result) {
  std::vector<std::string> seen;
  *result = ReadJournalEach(path, [&seen](Attempt&& a) { seen.push_back(a.sample_id); });
  return seen;
}

}  // namespace

TEST_CASE("journal stream: every attempt is handed over once, in file order") {
  TempDir dir;
  const std::string path = WriteJournalText(dir, 3);
  Result<JournalSummary> result = Error{};
  const std::vector<std::string> seen = SampleIdsSeen(path, &result);
  REQUIRE(result.ok());
  CHECK(seen == std::vector<std::string>{"s0", "s1", "s2"});
  CHECK(result->run_id == "run-1");
  CHECK(result->attempts == 3);
  CHECK(result->dropped_bytes == 0);
  CHECK(result->warnings.empty());
}

TEST_CASE("journal stream: a torn tail is dropped after every good line was handed over") {
  TempDir dir;
  const std::string third = AttemptToJsonLine(Numbered(2));

  SUBCASE("bytes after the last newline") {
    const std::string path = WriteJournalText(dir, 2, third.substr(0, 30));
    Result<JournalSummary> result = Error{};
    CHECK(SampleIdsSeen(path, &result) == std::vector<std::string>{"s0", "s1"});
    REQUIRE(result.ok());
    CHECK(result->dropped_bytes == 30);
    CHECK(result->warnings ==
          std::vector<std::string>{path + ": ignored a torn final line (30 bytes)"});
  }
  SUBCASE("but a last complete line that does not parse is damage, located") {
    const std::string path = WriteJournalText(dir, 2, "{\"type\":\"attempt\"}\n");
    Result<JournalSummary> result = Error{};
    CHECK(SampleIdsSeen(path, &result) == std::vector<std::string>{"s0", "s1"});
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().ToString() == path + ":4: /sample: missing");
  }
}

TEST_CASE("journal stream: damage stops the read at the damaged line, located") {
  TempDir dir;
  // Line 3 is bad and a good line follows it: that is damage, not a torn write.
  const std::string path = WriteJournalText(
      dir, 1, "{\"type\":\"attempt\"}\n" + AttemptToJsonLine(Numbered(7)) + "\n");
  Result<JournalSummary> result = Error{};
  const std::vector<std::string> seen = SampleIdsSeen(path, &result);
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().ToString().starts_with(path + ":3: "));
  CHECK(seen == std::vector<std::string>{"s0"});  // what came before the damage
}

TEST_CASE("journal stream: a header without its newline is a journal with no attempts") {
  TempDir dir;
  const std::string path = dir.File("attempts.jsonl");
  std::ofstream(path, std::ios::binary) << JournalHeaderLine("run-1");
  Result<JournalSummary> result = Error{};
  CHECK(SampleIdsSeen(path, &result).empty());
  REQUIRE(result.ok());
  CHECK(result->run_id == "run-1");
  CHECK(result->attempts == 0);
}

}  // namespace taskcost::journal_stream_test
