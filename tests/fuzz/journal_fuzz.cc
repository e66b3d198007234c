// libFuzzer target: a journal (attempts.jsonl) as `taskcost report` and `run --resume` read it:
// ReadJournal on the whole file (header, attempt and judge lines, a torn tail), and every line
// also read alone by JournalRecordFromJsonLine, so a mutated header does not hide the lines.
#include <cstddef>
#include <cstdint>

#include "harness/core/loading/run_manifest.h"
#include "harness/edge/journal.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace taskcost;
  if (size > (64 << 10)) return -1;
  std::string_view text = fuzz::Text(data, size);
  (void)ReadJournal(fuzz::WriteScratch("attempts.jsonl", text));
  while (!text.empty()) {
    const size_t end = text.find('\n');
    (void)JournalRecordFromJsonLine(text.substr(0, end));
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
  }
  return 0;
}
