// Inputs the fuzz targets found faults with in core's readers (tests/fuzz/findings/,
// docs/fuzzing.md), fed through the same entry point as their target.
#include <doctest/doctest.h>

#include "harness/core/loading/run_manifest.h"
#include "harness/core/loading/samples.h"
#include "tests/fuzz/finding.h"

namespace taskcost::fuzz_findings_test {

// Finding journal-number-4e822 (numbers the JSON parser cannot hold, issue 12 item 3): the
// journal target's line `4e822` made nlohmann's parser throw out_of_range.406 out of
// JournalRecordFromJsonLine (ReadDocument caught only parse_error), which `taskcost report`
// turned into exit 70. Now a bad line (json_parse.h).
TEST_CASE("fuzz finding journal-number-4e822: a number too large to hold is a bad line") {
  const std::string line = fuzz::Finding("journal-number-4e822");
  REQUIRE(line == "4e822");
  Result<JournalRecord> record = MakeError("not read");
  CHECK_NOTHROW(record = JournalRecordFromJsonLine(line));
  CHECK_FALSE(record.ok());
  // The same number as a field of an attempt line.
  const std::string attempt = R"({"type":"attempt","sample":"a","candidate":"c","repeat":0,)"
                              R"("attempt":1,"started_unix_ms":4e822})";
  CHECK_NOTHROW(record = JournalRecordFromJsonLine(attempt));
  CHECK_FALSE(record.ok());
}

// Finding samples_jsonl-number-9e999 (input bombs in sample loading, issue 12 items 3 and 9):
// the samples line `9e999` made nlohmann's parser throw out_of_range.406 out of
// ParseJsonlSamples (ParseJsonAt caught only parse_error), so `taskcost validate` exited 70.
// Now an error at samples.jsonl:1 (user_json.h).
TEST_CASE("fuzz finding samples_jsonl-number-9e999: a sample number too large is a located error") {
  const std::string text = fuzz::Finding("samples_jsonl-number-9e999");
  REQUIRE(text == "9e999");
  Result<std::vector<Sample>> samples = MakeError("not read");
  CHECK_NOTHROW(samples = ParseJsonlSamples(text, "samples.jsonl"));
  REQUIRE_FALSE(samples.ok());
  CHECK(samples.error().where.file == "samples.jsonl");
  CHECK(samples.error().where.line == 1);
}

}  // namespace taskcost::fuzz_findings_test
