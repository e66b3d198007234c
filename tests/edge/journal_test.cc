#include "harness/edge/journal.h"

#include <doctest/doctest.h>
#include <sys/resource.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <sstream>

#include "harness/core/loading/run_manifest.h"
#include "tests/edge/journal_attempt.h"
#include "tests/edge/temp_dir.h"
#include "tests/sanitized.h"

namespace taskcost::journal_test {
namespace {

using testing::TempDir;

Attempt MakeAttempt(int i) { return testing::JournalAttempt(i); }

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteText(const std::string& path, const std::string& text, bool append = false) {
  std::ofstream out(path, std::ios::binary | (append ? std::ios::app : std::ios::trunc));
  out << text;
}

// Writes a journal of `count` attempts through JournalWriter and closes it.
void WriteJournal(const std::string& path, const std::string& run_id, int count) {
  auto writer = JournalWriter::Open(path, run_id, nullptr);
  REQUIRE(writer.ok());
  for (int i = 0; i < count; ++i) REQUIRE(writer.value()->Append(MakeAttempt(i)).ok());
}

std::string ReadError(const std::string& path) {
  Result<JournalContents> r = ReadJournal(path);
  REQUIRE_FALSE(r.ok());
  return r.error().ToString();
}

}  // namespace

TEST_CASE("journal: attempts written are read back in order") {
  TempDir dir;
  const std::string path = dir.File("attempts.jsonl");
  WriteJournal(path, "run-1", 3);

  const std::string text = ReadText(path);
  CHECK(text.starts_with(JournalHeaderLine("run-1") + "\n" + AttemptToJsonLine(MakeAttempt(0)) +
                         "\n"));
  CHECK(text.ends_with(AttemptToJsonLine(MakeAttempt(2)) + "\n"));

  Result<JournalContents> read = ReadJournal(path);
  REQUIRE(read.ok());
  CHECK(read.value().run_id == "run-1");
  REQUIRE(read.value().attempts.size() == 3);
  for (int i = 0; i < 3; ++i) {
    CHECK(AttemptToJsonLine(read.value().attempts[i]) == AttemptToJsonLine(MakeAttempt(i)));
  }
  CHECK(read.value().dropped_bytes == 0);
  CHECK(read.value().warnings.empty());

  SUBCASE("reopening the same run appends after what is there") {
    std::vector<std::string> warnings;
    auto writer = JournalWriter::Open(path, "run-1", &warnings);
    REQUIRE(writer.ok());
    CHECK(warnings.empty());
    CHECK(writer.value()->Append(MakeAttempt(3)).ok());
    CHECK(writer.value()->Sync().ok());
    CHECK(ReadJournal(path).value().attempts.size() == 4);
  }
  SUBCASE("reopening for another run is refused") {
    auto writer = JournalWriter::Open(path, "run-2", nullptr);
    REQUIRE_FALSE(writer.ok());
    CHECK(writer.error().ToString() ==
          path + ":1: this journal belongs to run \"run-1\", not \"run-2\"");
  }
}

TEST_CASE("journal: a torn final line is ignored on read and cut off on reopen") {
  TempDir dir;
  const std::string path = dir.File("attempts.jsonl");
  WriteJournal(path, "run-1", 2);
  const std::string intact = ReadText(path);
  const std::string third = AttemptToJsonLine(MakeAttempt(2));

  SUBCASE("half a line without its newline (a crash mid-write)") {
    const std::string half = third.substr(0, third.size() / 2);
    WriteText(path, half, /*append=*/true);
    const std::string warning =
        path + ": ignored a torn final line (" + std::to_string(half.size()) + " bytes)";

    Result<JournalContents> read = ReadJournal(path);
    REQUIRE(read.ok());
    CHECK(read.value().attempts.size() == 2);
    CHECK(read.value().dropped_bytes == static_cast<int64_t>(half.size()));
    CHECK(read.value().warnings == std::vector<std::string>{warning});

    std::vector<std::string> warnings;
    auto writer = JournalWriter::Open(path, "run-1", &warnings);
    REQUIRE(writer.ok());
    CHECK(warnings == std::vector<std::string>{warning});
    CHECK(ReadText(path) == intact);
    REQUIRE(writer.value()->Append(MakeAttempt(2)).ok());
    writer.value().reset();
    CHECK(ReadText(path) == intact + third + "\n");
  }
  SUBCASE("a complete final line that does not read is damage, not a torn write: kept") {
    // A write a crash cut short never ends with its newline; a whole line that does not read
    // (here a field missing; a line nested too deep alike) is refused where it is, never cut.
    const std::string bad = R"({"type":"attempt","sample":"s2"})" "\n";
    WriteText(path, bad, /*append=*/true);
    const std::string expected = path + ":4: /candidate: missing";
    CHECK(ReadError(path) == expected);
    auto writer = JournalWriter::Open(path, "run-1", nullptr);
    REQUIRE_FALSE(writer.ok());
    CHECK(writer.error().ToString() == expected);
    CHECK(ReadText(path) == intact + bad);
  }
}

TEST_CASE("journal: a torn header line is started again on reopen") {
  TempDir dir;
  const std::string path = dir.File("attempts.jsonl");
  const std::string header = JournalHeaderLine("run-1");
  WriteText(path, header.substr(0, 10));
  std::vector<std::string> warnings;
  auto writer = JournalWriter::Open(path, "run-1", &warnings);
  REQUIRE(writer.ok());
  CHECK(warnings == std::vector<std::string>{path + ": ignored a torn header line (10 bytes)"});
  CHECK(ReadText(path) == header + "\n");

  SUBCASE("but a file that is not a journal is left alone") {
    const std::string other = dir.File("notes.txt");
    WriteText(other, "my notes");
    auto refused = JournalWriter::Open(other, "run-1", nullptr);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().ToString() ==
          other + ":1: not a taskcost journal: the first line is not a journal header");
    CHECK(ReadText(other) == "my notes");
  }
}

TEST_CASE("journal: files it cannot read are refused with the reason") {
  TempDir dir;
  const std::string path = dir.File("attempts.jsonl");

  SUBCASE("missing file") {
    CHECK(ReadError(path) == path + ": cannot open: No such file or directory");
  }
  SUBCASE("no header") {
    WriteText(path, AttemptToJsonLine(MakeAttempt(0)) + "\n");
    CHECK(ReadError(path) ==
          path + ":1: not a taskcost journal: the first line is not a journal header");
  }
  SUBCASE("a newer format version, for reading and for appending") {
    WriteText(path, R"({"type":"header","format":"taskcost-journal","version":4,"run_id":"r"})"
                    "\n");
    const std::string expected = path +
                                 ":1: /version: journal format version 4 is newer than this "
                                 "build of taskcost reads (version 3); upgrade taskcost";
    CHECK(ReadError(path) == expected);
    auto writer = JournalWriter::Open(path, "r", nullptr);
    REQUIRE_FALSE(writer.ok());
    CHECK(writer.error().ToString() == expected);
  }
  SUBCASE("a corrupt line in the middle is damage, reported with its line number") {
    WriteJournal(path, "run-1", 4);
    std::string text = ReadText(path);
    const std::string second = AttemptToJsonLine(MakeAttempt(1));
    text.replace(text.find(second), second.size(), second.substr(0, 40));
    WriteText(path, text);
    CHECK(ReadError(path) ==
          path + ":3: invalid JSON: parse error at line 1, column 41: syntax error while "
                 "parsing object key - invalid string: missing closing quote; last read: "
                 "'\"candida'; expected string literal");
  }
  SUBCASE("a wrong field in the middle names line and field") {
    WriteJournal(path, "run-1", 3);
    std::string text = ReadText(path);
    text.replace(text.find(R"("repeat":0)"), 10, R"("repeat":"0")");
    WriteText(path, text);
    CHECK(ReadError(path) == path + ":2: /repeat: expected an integer, got string");
  }
}

TEST_CASE("journal: a failed write is cut off and stops further appends") {
  TempDir dir;
  const std::string path = dir.File("attempts.jsonl");
  auto writer = JournalWriter::Open(path, "run-1", nullptr);
  REQUIRE(writer.ok());
  REQUIRE(writer.value()->Append(MakeAttempt(0)).ok());
  const std::string intact = ReadText(path);

  // Simulate a full disk: cap the file size just past what is written (EFBIG instead of
  // SIGXFSZ). Each TEST_CASE runs in its own process under ctest; the limit is restored below.
  struct rlimit saved;
  REQUIRE(::getrlimit(RLIMIT_FSIZE, &saved) == 0);
  auto saved_handler = std::signal(SIGXFSZ, SIG_IGN);
  struct rlimit capped = saved;
  capped.rlim_cur = intact.size() + 20;
  REQUIRE(::setrlimit(RLIMIT_FSIZE, &capped) == 0);
  Status failed = writer.value()->Append(MakeAttempt(1));
  Status after = writer.value()->Append(MakeAttempt(2));
  ::setrlimit(RLIMIT_FSIZE, &saved);
  std::signal(SIGXFSZ, saved_handler);

  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error().ToString() == path + ": cannot append to the journal: File too large");
  REQUIRE_FALSE(after.ok());
  CHECK(after.error().ToString() ==
        path + ": an earlier write failed; the journal takes no more lines");
  writer.value().reset();
  CHECK(ReadText(path) == intact);
}

TEST_CASE("journal: 100k lines are read back whole") {
  // How long it takes is the journal benchmark's figure (bench/journal_bench.cc): a wall-clock
  // bound here would fail on a loaded machine. Under a sanitizer (100x slower), fewer lines.
  TempDir dir;
  const std::string path = dir.File("attempts.jsonl");
  constexpr int kLines = kSanitizedBuild ? 1'000 : 100'000;
  std::string text = JournalHeaderLine("big") + "\n";
  for (int i = 0; i < kLines; ++i) text += AttemptToJsonLine(MakeAttempt(i)) + "\n";
  WriteText(path, text);

  Result<JournalContents> read = ReadJournal(path);
  REQUIRE(read.ok());
  REQUIRE(read.value().attempts.size() == kLines);
  CHECK(read.value().attempts.back().sample_id == "s" + std::to_string(kLines - 1));
  CHECK(read.value().attempts.back().cost.picos() == 27'000'000 + kLines - 1);
}

}  // namespace taskcost::journal_test
