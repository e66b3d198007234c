// prompt.cache: (docs/prompt-caching.md): the TTL asked of the providers' prompt caches, the
// prefix it applies to (the system prompt, or the messages up to cache_prefix_end), and
// OpenAI's prompt_cache_key derived from the suite, the candidate and the prefix.
#include <doctest/doctest.h>

#include "harness/core/loading/prompt_template.h"
#include "harness/core/loading/suite_loader.h"
#include "tests/core/config_test_util.h"

namespace taskcost::suite_cache_test {
namespace {

using testing::TempDir;

// The system/user form; `cache:` is on line 6.
constexpr const char* kCacheSystemSuite =
    "suite: s\n"
    "samples: samples.jsonl\n"
    "prompt:\n"
    "  system: Sort tickets.\n"
    "  user: \"Ticket: {{text}}\"\n"
    "  cache: {ttl: 1h}\n"
    "output:\n"
    "  schema: {type: object}\n"
    "candidates:\n"
    "  - {id: one, provider: openai, model: gpt-4.1}\n";

// The messages form; `cache:` is on line 8, the marker on line 6.
constexpr const char* kCacheMessagesSuite =
    "suite: s\n"
    "samples: samples.jsonl\n"
    "prompt:\n"
    "  messages:\n"
    "    - {role: system, content: Sort tickets.}\n"
    "    - {role: user, content: \"Ticket: printer jam\", cache_prefix_end: true}\n"
    "    - {role: user, content: \"Ticket: {{text}}\"}\n"
    "  cache: {}\n"
    "output:\n"
    "  schema: {type: object}\n"
    "candidates:\n"
    "  - {id: one, provider: openai, model: gpt-4.1}\n";

std::string CacheSwapIn(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  REQUIRE_MESSAGE(at != std::string::npos, from);
  return text.replace(at, from.size(), to);
}

Result<Suite> LoadCacheSuite(TempDir& dir, const std::string& yaml) {
  dir.Write("samples.jsonl", R"({"id":"t-1","text":"no login"})"
                             "\n");
  return LoadSuite(dir.Write("suite.yaml", yaml));
}

// "ok", or every error with the directory's prefix removed.
std::string CacheErrors(const std::string& yaml) {
  TempDir dir;
  Result<Suite> suite = LoadCacheSuite(dir, yaml);
  return suite.ok() ? "ok" : dir.Relative(suite.errors());
}

}  // namespace

TEST_CASE("suite_cache: the system prompt is the prefix and 1h asks 3600 seconds") {
  TempDir dir;
  Result<Suite> loaded = LoadCacheSuite(dir, kCacheSystemSuite);
  REQUIRE_MESSAGE(loaded.ok(), dir.Relative(loaded.ok() ? Errors{} : loaded.errors()));
  CHECK(loaded->prompt.cache_ttl_seconds == 3600);
  // sha256 of "6:system" "13:" "Sort tickets." (each part led by its length), worked with
  // `printf '6:system13:Sort tickets.' | sha256sum`.
  CHECK(loaded->prompt.cache_prefix_hash ==
        "sha256:de1d8c4084b6573aa0d7b9e87a345cc877dd6652ff204fde4e6fa03f522589d0");
}

TEST_CASE("suite_cache: with messages the prefix ends at the marker, the default TTL 5m") {
  TempDir dir;
  Result<Suite> loaded = LoadCacheSuite(dir, kCacheMessagesSuite);
  REQUIRE_MESSAGE(loaded.ok(), dir.Relative(loaded.ok() ? Errors{} : loaded.errors()));
  CHECK(loaded->prompt.cache_ttl_seconds == 300);
  CHECK(loaded->prompt.cache_prefix_messages == 2);
  // `printf '6:system13:Sort tickets.4:user19:Ticket: printer jam' | sha256sum`
  CHECK(loaded->prompt.cache_prefix_hash ==
        "sha256:7130d447c4bbf9851d0321619c2bddfe888fded49c8c0ea2f64fcaf308a7cb97");
}

TEST_CASE("suite_cache: without cache: nothing is asked") {
  TempDir dir;
  Result<Suite> loaded =
      LoadCacheSuite(dir, CacheSwapIn(kCacheSystemSuite, "  cache: {ttl: 1h}\n", ""));
  REQUIRE(loaded.ok());
  CHECK(loaded->prompt.cache_ttl_seconds == 0);
  CHECK(loaded->prompt.cache_prefix_hash.empty());
}

TEST_CASE("suite_cache: a TTL other than 5m or 1h is located") {
  CHECK(CacheErrors(CacheSwapIn(kCacheSystemSuite, "ttl: 1h", "ttl: 10m")) ==
        "suite.yaml:6:16: prompt.cache.ttl: ttl \"10m\" is not one of \"5m\", \"1h\" (the TTLs "
        "the providers' prompt caches offer)");
  CHECK(CacheErrors(CacheSwapIn(kCacheSystemSuite, "ttl: 1h", "tll: 1h")) ==
        "suite.yaml:6:11: prompt.cache: unknown key \"tll\", did you mean \"ttl\"?");
  CHECK(CacheErrors(CacheSwapIn(kCacheSystemSuite, "{ttl: 1h}", "yes")) ==
        "suite.yaml:6:10: prompt.cache: expected a mapping, got \"yes\"");
}

TEST_CASE("suite_cache: the prefix must exist and be the same for every sample") {
  CHECK(CacheErrors(CacheSwapIn(kCacheMessagesSuite, ", cache_prefix_end: true", "")) ==
        "suite.yaml:8:10: prompt.cache: caching needs the end of the stable prefix: mark the "
        "last fixed message with cache_prefix_end: true");
  CHECK(CacheErrors(CacheSwapIn(kCacheSystemSuite, "Sort tickets.", "Sort {{text}}.")) ==
        "suite.yaml:6:10: prompt.cache: the cacheable prefix (the system prompt) must be the "
        "same for every sample, but it is templated ({{text}}); move the sample's fields into "
        "the user prompt");
  CHECK(CacheErrors(CacheSwapIn(kCacheSystemSuite, "  system: Sort tickets.\n", "")) ==
        "suite.yaml:5:10: prompt.cache: caching needs a prefix that is the same for every "
        "sample: give a system prompt (the prefix), or mark a message with cache_prefix_end: "
        "true in messages:");
}

TEST_CASE("suite_cache: OpenAI's prompt_cache_key names the suite, candidate and prefix") {
  // `printf 's\none\nsha256:abc' | sha256sum`, its first 40 hex digits after "taskcost-".
  CHECK(PromptCacheKey("s", "one", "sha256:abc") ==
        "taskcost-45861840680b19353c99d454ec154dece8fac8b9");
  CHECK(PromptCacheKey("s", "two", "sha256:abc") != PromptCacheKey("s", "one", "sha256:abc"));
  CHECK(PromptCacheKey("s", "one", "sha256:abd") != PromptCacheKey("s", "one", "sha256:abc"));
  CHECK(PromptCacheKey("s", "one", "sha256:abc").size() == 49);
}

}  // namespace taskcost::suite_cache_test
