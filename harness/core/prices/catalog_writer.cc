#include "harness/core/prices/catalog_writer.h"

#include <cstdlib>

namespace taskcost {
namespace {

constexpr int64_t kPicosPerMicro = 1'000'000;  // pUSD per token = micro-USD per 1M tokens

// A plain YAML scalar when it cannot be mistaken for anything else, else double-quoted.
std::string YamlText(const std::string& text) {
  bool plain = !text.empty();
  for (char c : text) {
    const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '.' || c == '_' || c == '-' || c == '/';
    plain = plain && safe;
  }
  const bool reserved = text == "null" || text == "true" || text == "false" || text == "Null" ||
                        text == "True" || text == "False" || text == "NULL";
  if (plain && !reserved && text.front() != '-' && text.front() != '.') return text;
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "\"";
}

void AddRate(std::string& out, const char* key, const std::optional<Money>& per_token) {
  if (per_token) out += std::string("    ") + key + ": " + PerMillionText(*per_token) + "\n";
}

// "$2.50" per 1M tokens.
std::string Rate(Money per_token) { return "$" + PerMillionText(per_token); }

void AddChange(std::vector<std::string>& out, const char* name, Money before, Money after) {
  if (before != after) out.push_back(std::string(name) + " " + Rate(before) + " -> " + Rate(after));
}

// An optional rate that falls back to `before_base` / `after_base`; unset on both sides means it
// follows its base rate, whose change is reported already.
void AddOptionalChange(std::vector<std::string>& out, const char* name,
                       const std::optional<Money>& before, Money before_base,
                       const std::optional<Money>& after, Money after_base) {
  if (before || after) {
    AddChange(out, name, before.value_or(before_base), after.value_or(after_base));
  }
}

}  // namespace

std::string PerMillionText(Money per_token) {
  const int64_t picos = per_token.picos();
  const char* sign = picos < 0 ? "-" : "";
  const int64_t magnitude = std::llabs(picos);
  std::string fraction = std::to_string(magnitude % kPicosPerMicro);
  fraction.insert(0, 6 - fraction.size(), '0');
  while (fraction.size() > 2 && fraction.back() == '0') fraction.pop_back();
  return sign + std::to_string(magnitude / kPicosPerMicro) + "." + fraction;
}

std::string PriceCatalogToYaml(const PriceCatalog& catalog, const std::string& comment) {
  std::string out;
  size_t start = 0;
  while (!comment.empty() && start <= comment.size()) {
    size_t end = std::min(comment.find('\n', start), comment.size());
    out += "# " + comment.substr(start, end - start) + "\n";
    start = end + 1;
  }
  out += "currency: USD\nmodels:\n";
  for (const ModelPrice& price : catalog.models) {
    out += "  " + YamlText(price.model) + ":\n";
    if (price.gpu_hour) {  // time-priced: no per-token rates (docs/configs.md)
      out += "    gpu_hour_usd: \"" + price.gpu_hour->ToExactString() + "\"\n";
      out += "    concurrency: " + std::to_string(price.concurrency) + "\n";
    } else {
      AddRate(out, "input", price.input);
      AddRate(out, "cached_input", price.cached_input);
      AddRate(out, "cache_write", price.cache_write);
      AddRate(out, "cache_write_1h", price.cache_write_1h);
      AddRate(out, "output", price.output);
      AddRate(out, "reasoning", price.reasoning);
    }
    if (price.batch_discount_percent != 0) {
      out += "    batch_discount_percent: " + std::to_string(price.batch_discount_percent) + "\n";
    }
    if (price.min_cache_prefix_tokens) {
      out += "    min_cache_prefix_tokens: " + std::to_string(*price.min_cache_prefix_tokens) + "\n";
    }
    out += "    as_of: " + YamlText(price.as_of) + "\n";
    out += "    source: " + YamlText(price.source) + "\n";
  }
  return out;
}

std::vector<std::string> RateChanges(const ModelPrice& before, const ModelPrice& after) {
  std::vector<std::string> out;
  AddChange(out, "input", before.input, after.input);
  AddOptionalChange(out, "cached input", before.cached_input, before.input, after.cached_input,
                    after.input);
  AddOptionalChange(out, "cache write", before.cache_write, before.input, after.cache_write,
                    after.input);
  AddChange(out, "output", before.output, after.output);
  AddOptionalChange(out, "reasoning", before.reasoning, before.output, after.reasoning,
                    after.output);
  if (before.gpu_hour != after.gpu_hour || before.concurrency != after.concurrency) {
    out.push_back("time price " + (before.gpu_hour ? TimePriceText(before) : "none") + " -> " +
                  (after.gpu_hour ? TimePriceText(after) : "none"));
  }
  return out;
}

}  // namespace taskcost
