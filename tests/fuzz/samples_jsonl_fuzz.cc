// libFuzzer target: a samples file in JSONL (core/loading/samples.h, ParseJsonlSamples), then the
// duplicate-id check the suite loader runs on what was read.
#include <cstddef>
#include <cstdint>

#include "harness/core/loading/samples.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace taskcost;
  if (size > (64 << 10)) return -1;
  Result<std::vector<Sample>> samples = ParseJsonlSamples(fuzz::Text(data, size), "samples.jsonl");
  if (samples.ok()) (void)DuplicateSampleIds(samples.value());
  return 0;
}
