// The `cache:` key of a suite's prompt (docs/prompt-caching.md): the TTL asked of the provider's
// prompt cache for the stable prefix, checked to be the same for every sample.
#include <string>
#include <vector>

#include "harness/core/formats/content_hash.h"
#include "harness/core/formats/error_text.h"
#include "harness/core/loading/prompt_template.h"
#include "harness/core/loading/suite_parts.h"

namespace taskcost {
namespace {

// The TTLs Anthropic's cache_control takes ("5m", the default, and "1h").
int TtlSeconds(SuiteContext& context, const YamlField& cache) {
  YamlReader& reader = context.reader;
  YamlField ttl = reader.Child(cache, "ttl");
  if (!ttl.present) return 300;
  std::optional<std::string> text = reader.String(ttl);
  if (!text) return 0;
  if (*text == "5m") return 300;
  if (*text == "1h") return 3600;
  reader.Fail(ttl, "ttl " + Quoted(*text) +
                       " is not one of \"5m\", \"1h\" (the TTLs the providers' prompt caches "
                       "offer)" +
                       DidYouMean(*text, {"5m", "1h"}));
  return 0;
}

// The prefix's text as written, each part preceded by its length so no two prefixes share it.
std::string PrefixHash(const std::vector<std::pair<std::string, std::string>>& parts) {
  std::vector<std::string> lengths;
  lengths.reserve(parts.size() * 2);
  for (const auto& [role, content] : parts) {
    lengths.push_back(std::to_string(role.size()) + ":" + role);
    lengths.push_back(std::to_string(content.size()) + ":");
  }
  std::vector<std::string_view> pieces;
  for (size_t i = 0; i < parts.size(); ++i) {
    pieces.push_back(lengths[2 * i]);
    pieces.push_back(lengths[2 * i + 1]);
    pieces.push_back(parts[i].second);
  }
  return ContentHash(pieces);
}

// The prefix of the system/user form: the system prompt, fixed text. "" after an error.
std::string SystemPrefixHash(SuiteContext& context, const YamlField& cache,
                             const PromptTemplate& prompt) {
  if (prompt.system.empty()) {
    context.reader.Fail(cache,
                        "caching needs a prefix that is the same for every sample: give a "
                        "system prompt (the prefix), or mark a message with "
                        "cache_prefix_end: true in messages:");
    return "";
  }
  if (std::vector<std::string> fields = TemplateFields(prompt.system); !fields.empty()) {
    context.reader.Fail(cache,
                        "the cacheable prefix (the system prompt) must be the same for "
                        "every sample, but it is templated ({{" +
                            fields.front() + "}}); move the sample's fields into the user prompt");
    return "";
  }
  return PrefixHash({{"system", prompt.system}});
}

}  // namespace

void ReadPromptCache(SuiteContext& context, const YamlField& prompt, PromptTemplate& out) {
  YamlReader& reader = context.reader;
  YamlField cache = reader.Child(prompt, "cache");
  if (!cache.present || !reader.IsMap(cache)) return;
  reader.CheckKeys(cache, {"ttl"});
  const int ttl = TtlSeconds(context, cache);
  std::string hash;
  if (!out.UsesMessages()) {
    hash = SystemPrefixHash(context, cache, out);
  } else if (out.cache_prefix_messages == 0) {
    reader.Fail(cache,
                "caching needs the end of the stable prefix: mark the last fixed message "
                "with cache_prefix_end: true");
  } else {  // the marker's checks (suite_messages.cc) keep the prefix fixed text
    std::vector<std::pair<std::string, std::string>> parts;
    for (int i = 0; i < out.cache_prefix_messages; ++i) {
      const PromptMessage& m = out.messages.at(static_cast<size_t>(i));
      parts.emplace_back(m.role, m.content);
    }
    hash = PrefixHash(parts);
  }
  if (ttl == 0 || hash.empty()) return;
  out.cache_ttl_seconds = ttl;
  out.cache_prefix_hash = std::move(hash);
}

std::string PromptCacheKey(const std::string& suite_name, const std::string& candidate_id,
                           const std::string& prefix_hash) {
  const std::string hash = ContentHash({suite_name, std::string_view("\n", 1), candidate_id,
                                        std::string_view("\n", 1), prefix_hash});
  constexpr std::string_view kScheme = "sha256:";
  return "taskcost-" + hash.substr(kScheme.size(), 40);
}

}  // namespace taskcost
