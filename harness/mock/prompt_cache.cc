#include "harness/mock/prompt_cache.h"

#include <algorithm>

#include "harness/mock/draw.h"

namespace taskcost::mock {
namespace {

// Entries kept at most; past it the cache starts over (a bound, not a behaviour to rely on).
constexpr size_t kMaxEntries = 100'000;

uint64_t KeyOf(const std::string& model, const CachePrefix& prefix) {
  return Combine(HashBytes(model), prefix.hash);
}

}  // namespace

int64_t PrefixTokens(int64_t chars, int64_t input_tokens) {
  return std::min(input_tokens, (std::max<int64_t>(chars, 0) + 3) / 4);
}

bool PromptCache::Live(uint64_t key, int64_t now_ms) const {
  auto it = entries_.find(key);
  return it != entries_.end() && it->second.ready_ms <= now_ms && now_ms < it->second.expiry_ms;
}

void PromptCache::Keep(uint64_t key, int64_t now_ms, int64_t ready_ms, int64_t until_ms) {
  if (entries_.size() >= kMaxEntries && !entries_.count(key)) entries_.clear();
  auto [it, added] = entries_.try_emplace(key, Entry{ready_ms, until_ms});
  if (added) return;
  Entry& entry = it->second;
  if (entry.expiry_ms <= now_ms) {  // expired: written anew
    entry = Entry{ready_ms, until_ms};
    return;
  }
  entry.expiry_ms = std::max(entry.expiry_ms, until_ms);  // the earlier writer's readiness holds
}

CacheUse PromptCache::Anthropic(const std::string& model, const CachePrefix& prefix, int64_t ttl_ms,
                                int64_t min_tokens, int64_t input_tokens, int64_t now_ms,
                                int64_t ready_ms) {
  const int64_t tokens = PrefixTokens(prefix.chars, input_tokens);
  if (tokens < min_tokens || tokens <= 0) return {};
  const uint64_t key = KeyOf(model, prefix);
  CacheUse use;
  (Live(key, now_ms) ? use.read : use.written) = tokens;
  Keep(key, now_ms, ready_ms, now_ms + ttl_ms);
  return use;
}

CacheUse PromptCache::OpenAi(const std::string& model, const std::vector<CachePrefix>& prefixes,
                             int64_t min_tokens, int64_t input_tokens, int64_t now_ms,
                             int64_t ready_ms) {
  CacheUse use;
  const int64_t least = std::max<int64_t>(min_tokens, 1);
  for (const CachePrefix& prefix : prefixes) {
    const int64_t tokens = PrefixTokens(prefix.chars, input_tokens);
    if (tokens < least) continue;
    const uint64_t key = KeyOf(model, prefix);
    if (Live(key, now_ms)) {
      use.read = std::max(use.read, tokens / kOpenAiCacheIncrement * kOpenAiCacheIncrement);
    }
    Keep(key, now_ms, ready_ms, now_ms + kOpenAiCacheTtlMs);
  }
  return use;
}

}  // namespace taskcost::mock
