// The simulator's prompt cache (internal; docs/simulator.md, "Prompt caching"): which prefixes
// each model holds and until when, on the simulator's clock (each request's arrival time), so
// the same sequence of requests gets the same usage. Not synchronised: the responder's thread.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "harness/mock/simulator.h"

namespace taskcost::mock {

/// A cacheable prefix of one request: its characters (tokens are chars / 4, rounded up) and a
/// hash of its bytes.
struct CachePrefix {
  int64_t chars = 0;
  uint64_t hash = 0;
};

/// What a request's prefix did: tokens read from the cache, tokens written to it.
struct CacheUse {
  int64_t read = 0;
  int64_t written = 0;
};

/// OpenAI's cache hits come in 128-token increments.
inline constexpr int64_t kOpenAiCacheIncrement = 128;
/// How long OpenAI keeps an unused prefix in the simulator (its documented 5 to 10 minutes of
/// inactivity, taken at the short end).
inline constexpr int64_t kOpenAiCacheTtlMs = 5 * 60 * 1000;

class PromptCache {
 public:
  /// Anthropic: the one prefix marked with cache_control, kept `ttl_ms`. Below `min_tokens`
  /// nothing is cached. A live entry is read (and its TTL refreshed); else it is written, and
  /// can be read from `ready_ms` on (when the writer's response begins: a request arriving
  /// before then misses and writes too). `input_tokens` caps the prefix's tokens.
  CacheUse Anthropic(const std::string& model, const CachePrefix& prefix, int64_t ttl_ms,
                     int64_t min_tokens, int64_t input_tokens, int64_t now_ms, int64_t ready_ms);
  /// OpenAI: automatic; `prefixes` end at each message boundary, shortest first. The longest
  /// live one of at least `min_tokens` is read, in 128-token increments (rounded down); every
  /// prefix of at least `min_tokens` is then kept (written free, or refreshed) for 5 minutes.
  /// A prefix first kept here can be read from `ready_ms` on, as for Anthropic.
  CacheUse OpenAi(const std::string& model, const std::vector<CachePrefix>& prefixes,
                  int64_t min_tokens, int64_t input_tokens, int64_t now_ms, int64_t ready_ms);

 private:
  struct Entry {
    int64_t ready_ms = 0;   // readable from then (its writer's response began)
    int64_t expiry_ms = 0;  // expired at then
  };
  bool Live(uint64_t key, int64_t now_ms) const;
  /// Keeps the entry until `until_ms` at least; a new or expired one becomes readable at
  /// `ready_ms`, a live one keeps its own readiness.
  void Keep(uint64_t key, int64_t now_ms, int64_t ready_ms, int64_t until_ms);

  std::unordered_map<uint64_t, Entry> entries_;  // hash(model, prefix) -> its times
};

/// Tokens of a prefix of `chars` characters: chars / 4 rounded up, at most `input_tokens`.
int64_t PrefixTokens(int64_t chars, int64_t input_tokens);

}  // namespace taskcost::mock
