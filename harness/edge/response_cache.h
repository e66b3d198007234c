// ResponseCache: provider answers kept on disk so that re-running a suite answers identical
// requests locally, at no cost. One file per answer under the cache directory (default
// results/.cache/); entries are written atomically and a corrupt one reads as a miss.
// A ResponseCache object is used from one thread; several processes may share a directory.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "harness/core/model/http.h"
#include "harness/core/model/result.h"

namespace taskcost {

/// What identifies a cached answer. The auth header never takes part, so a key rotation keeps
/// the cache. `occurrence` tells apart identical requests of one task: the retry of a malformed
/// answer and each repeat send the same body but must get their own answers (the original run's
/// attempt 2, or repeat 1), or a re-run would not reproduce the original figures.
struct CacheRequest {
  std::string_view provider_kind;  // "openai", "anthropic", ...
  std::string_view url;            // the endpoint (see PlannedCandidate::cache_endpoint)
  std::string_view body;           // the request body, exactly as sent
  int repeat = 0;                  // the task's repeat, 0-based
  int attempt = 1;                 // the attempt within the task, 1-based
};

/// "sha256:<hex>" over the request's parts, each length-prefixed so no two requests collide by
/// concatenation.
std::string ResponseCacheKey(const CacheRequest& request);

/// Only complete 2xx answers whose body is JSON are cached: faults, cut-off bodies and non-JSON
/// bodies are always asked again.
bool IsCacheable(const HttpResponse& response);

/// The most bytes of a cache entry read back: a reply body far above providers.yaml's default
/// max_reply_bytes (4,000,000) and its head line. A longer entry reads as a miss.
inline constexpr size_t kMaxCacheEntryBytes = size_t{64} << 20;  // 64 MiB

class ResponseCache {
 public:
  /// Uses `dir`, creating it on the first Store.
  explicit ResponseCache(std::string dir) : dir_(std::move(dir)) {}

  /// The stored answer (status, headers, body and the original elapsed time), or nullopt when
  /// there is none or the entry is damaged (truncated, another format version, another key),
  /// is not a regular file, is longer than kMaxCacheEntryBytes, or has a head nested too deep.
  std::optional<HttpResponse> Lookup(const std::string& key) const;

  /// Stores `response` under `key` when IsCacheable (returns false without writing otherwise),
  /// replacing any previous entry. The file appears whole or not at all. Fails on IO errors.
  Result<bool> Store(const std::string& key, const HttpResponse& response) const;

  const std::string& dir() const { return dir_; }
  /// The entry's path: <dir>/<first two hex digits>/<the other 62>.
  std::string PathFor(const std::string& key) const;

 private:
  std::string dir_;
};

}  // namespace taskcost
