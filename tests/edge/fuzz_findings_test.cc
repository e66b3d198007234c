// Journals the journal fuzz target found faults with (tests/fuzz/findings/, docs/fuzzing.md),
// read as the target reads them: ReadJournal on the file.
#include <doctest/doctest.h>

#include <fstream>

#include "harness/core/loading/run_manifest.h"
#include "harness/edge/journal.h"
#include "tests/edge/temp_dir.h"
#include "tests/fuzz/finding.h"

namespace taskcost::fuzz_findings_test {

// Finding journal-number-4e822 (tests/core has the line alone): between a header and an
// attempt line, the line `4e822` threw nlohmann's out_of_range.406 out of ReadJournal, so
// `taskcost report` exited 70 unlocated. Now an error at line 2.
TEST_CASE(
    "fuzz finding journal-number-4e822: a line with a number too large is damage at its "
    "line") {
  testing::TempDir dir;
  const std::string path = dir.File("attempts.jsonl");
  Attempt attempt;
  attempt.sample_id = "s1";
  attempt.candidate_id = "c";
  std::ofstream(path, std::ios::binary) << JournalHeaderLine("r") << "\n"
                                        << fuzz::Finding("journal-number-4e822") << "\n"
                                        << AttemptToJsonLine(attempt) << "\n";
  Result<JournalContents> journal = MakeError("not read");
  CHECK_NOTHROW(journal = ReadJournal(path));
  REQUIRE_FALSE(journal.ok());
  CHECK(journal.error().where.file == path);
  CHECK(journal.error().where.line == 2);
}

}  // namespace taskcost::fuzz_findings_test
