// libFuzzer target: an OpenAI Chat Completions reply (status, headers, body as text; see
// ResponseFromText) through ParseReply, the answer's schema check and the call's price.
#include "tests/fuzz/reply_target.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return taskcost::fuzz::FuzzReply(taskcost::ProviderKind::kOpenAi, data, size);
}
