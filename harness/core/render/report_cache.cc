// The prompt-caching figures of a report (docs/report-format.md, "Prompt caching"): the table,
// its note and the warnings about caching asked for but never used.
#include <string>
#include <vector>

#include "harness/core/render/report_format.h"
#include "harness/core/render/report_tables.h"

namespace taskcost {
namespace {

// 4096 -> "4,096".
std::string GroupThousands(int64_t n) {
  std::string digits = std::to_string(n < 0 ? 0 : n);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) {
    digits.insert(static_cast<size_t>(i), ",");
  }
  return digits;
}

// Why nothing was cached, as far as the figures tell: the largest request's input bounds the
// prefix from above, so it is below the minimum only when that input is.
std::string PrefixClause(const CandidateMetrics& c) {
  if (!c.min_cache_prefix_tokens) {
    return "; its prefix may be below the provider's minimum cacheable length for the model "
           "(the price catalog gives none for " +
           c.model + ")";
  }
  const std::string minimum = GroupThousands(*c.min_cache_prefix_tokens) + " tokens";
  if (c.largest_input_tokens < *c.min_cache_prefix_tokens) {
    return "; its prefix (at most " + GroupThousands(c.largest_input_tokens) +
           " tokens, its largest request's input) is below the provider's minimum cacheable "
           "length for the model (" +
           minimum + ")";
  }
  return "; its prefix may be below the provider's minimum cacheable length for the model (" +
         minimum + "; its largest request had " + GroupThousands(c.largest_input_tokens) +
         " input tokens)";
}

}  // namespace

ReportTable PromptCacheTable(const Report& report) {
  ReportTable t;
  if (!report.UsedPromptCache()) return t;
  t.header = {"candidate",    "cache read tok", "cache write tok", "read % of input",
              "cache read $", "cache write $",  "saving $"};
  t.right_aligned = {false, true, true, true, true, true, true};
  for (const CandidateMetrics& c : report.candidates) {
    t.rows.push_back({c.id, std::to_string(c.cache_read_tokens),
                      std::to_string(c.cache_write_tokens), FormatPercent(c.CacheReadShare()),
                      FormatUsd(c.cache_read_cost), FormatUsd(c.cache_write_cost),
                      FormatUsd(c.cache_saving)});
  }
  return t;
}

std::string PromptCacheNote(bool sentence) {
  const std::string text =
      "provider prompt caches over every attempt; saving: the tokens read from and written to "
      "the cache at the plain input price, minus what they cost (negative when the writes cost "
      "more than the reads saved)";
  return sentence ? "Provider" + text.substr(8) + "." : text;
}

std::string PromptCacheWarning(const CandidateMetrics& c) {
  if (!c.PromptCacheUnused()) return "";
  return c.id + ": caching was asked for, but no input was read from or written to the cache" +
         PrefixClause(c);
}

std::vector<std::string> PromptCacheWarnings(const Report& report) {
  std::vector<std::string> warnings;
  for (const CandidateMetrics& c : report.candidates) {
    if (c.PromptCacheUnused()) warnings.push_back(PromptCacheWarning(c));
  }
  return warnings;
}

}  // namespace taskcost
