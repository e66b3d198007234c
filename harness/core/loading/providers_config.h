// Provider endpoints from configs/providers.yaml: wire kind, base URL, the *name* of the
// environment variable holding the key (never the key), headers, timeouts and limits.
// Plain data; not synchronised.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "harness/core/model/http.h"
#include "harness/core/model/result.h"

namespace taskcost {

enum class ProviderKind { kOpenAi, kAnthropic, kOpenAiCompatible, kAzureOpenAi };

std::string_view ProviderKindName(ProviderKind kind);  // "openai", "anthropic", ...

struct ProviderConfig {
  std::string name;                  // what suites refer to: "openai"
  ProviderKind kind = ProviderKind::kOpenAi;
  std::string base_url;              // "https://api.openai.com/v1", no trailing slash
  std::string api_key_env;           // e.g. "OPENAI_API_KEY"; empty = no key sent
  std::vector<HttpHeader> headers;   // extra headers sent with every request
  std::string api_version;           // anthropic-version, or Azure api-version
  std::chrono::milliseconds timeout{60'000};  // default per-request timeout
  int max_concurrency = 16;          // requests in flight to this provider at once
  int requests_per_minute = 0;       // 0 = no client-side limit
  int tokens_per_minute = 0;         // 0 = no client-side limit
  size_t max_reply_bytes = kDefaultMaxReplyBytes;  // a longer reply body: invalid_output
  SourceLocation where;
};

struct ProviderCatalog {
  std::string file;
  std::vector<ProviderConfig> providers;

  const ProviderConfig* Find(const std::string& name) const;
  std::vector<std::string> Names() const;
};

Result<ProviderCatalog> LoadProviderCatalog(const std::string& path);
Result<ProviderCatalog> ParseProviderCatalog(const std::string& yaml_text, const std::string& file);

}  // namespace taskcost
