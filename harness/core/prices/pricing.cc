#include "harness/core/prices/pricing.h"

#include <algorithm>
#include <array>

#include "harness/core/formats/error_text.h"
#include "harness/core/formats/user_files.h"
#include "harness/core/formats/yaml_util.h"

namespace taskcost {
namespace {

constexpr int64_t kTokensPerQuote = 1'000'000;  // prices are quoted per million tokens
constexpr int64_t kMicrosPerHour = 3'600'000'000;
constexpr int64_t kMaxConcurrency = 1'000'000;
constexpr int64_t kMaxCachePrefix = 100'000'000;  // kMaxTokensPerCall: no prompt is longer
// The highest price per 1M tokens a catalog may give: 100 times the dearest model's today.
constexpr Money kMaxPerMillion = Money::FromPicos(10'000 * Money::kPicosPerDollar);

const std::vector<std::string> kTopKeys = {"currency", "models"};
const std::vector<std::string> kModelKeys = {
    "input",       "cached_input",   "cache_write",
    "output",      "reasoning",      "batch_discount_percent",
    "as_of",       "source",         "gpu_hour_usd",
    "concurrency", "cache_write_1h", "min_cache_prefix_tokens"};

// A USD price per 1M tokens, as Money per token. Finer than a micro-dollar per 1M tokens
// would not be a whole number of picodollars per token, so it is refused rather than rounded.
std::optional<Money> PerTokenPrice(YamlReader& reader, const YamlField& field) {
  std::optional<Money> per_million = reader.Usd(field);
  if (!per_million) return std::nullopt;
  if (*per_million > kMaxPerMillion) {
    // A guard against a slip of the decimal point, and what keeps every call's cost, and the
    // plan's worst case, far inside Money's range (docs/configs.md).
    reader.Fail(field, Quoted(field.node.Scalar()) +
                           " is above $10,000 per 1M tokens, more than any model is priced at");
    return std::nullopt;
  }
  if (per_million->picos() % kTokensPerQuote != 0) {
    reader.Fail(field, Quoted(field.node.Scalar()) +
                           " has more than 6 decimals; a price per 1M tokens needs at most 6 to "
                           "be exact per token");
    return std::nullopt;
  }
  return per_million->DividedBy(kTokensPerQuote);
}

bool IsLeapYear(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

bool IsIsoDate(const std::string& text) {
  int year = 0, month = 0, day = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  year = std::stoi(text.substr(0, 4));
  month = std::stoi(text.substr(5, 2));
  day = std::stoi(text.substr(8, 2));
  constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1) return false;
  int days = kDays[static_cast<size_t>(month - 1)] + (month == 2 && IsLeapYear(year) ? 1 : 0);
  return day <= days;
}

bool IsHttpUrl(const std::string& text) {
  return text.rfind("https://", 0) == 0 || text.rfind("http://", 0) == 0;
}

// A required string that must pass `valid`, else "expected <what>, got \"...\"".
void ReadCheckedString(YamlReader& reader, const YamlField& entry, const char* key,
                       bool (*valid)(const std::string&), const char* what, std::string& out) {
  YamlField field = reader.Child(entry, key);
  if (!reader.Require(field)) return;
  std::optional<std::string> text = reader.String(field);
  if (!text) return;
  if (valid(*text)) {
    out = *text;
  } else {
    reader.Fail(field, std::string("expected ") + what + ", got " + Quoted(*text));
  }
}

ModelPrice ReadModelPrice(YamlReader& reader, const YamlField& entry) {
  ModelPrice price;
  price.model = entry.key;
  price.where = entry.key_where;
  if (!reader.IsMap(entry)) return price;
  reader.CheckKeys(entry, kModelKeys);
  auto read_required = [&](const char* key, Money& out) {
    YamlField field = reader.Child(entry, key);
    if (!reader.Require(field)) return;
    if (std::optional<Money> value = PerTokenPrice(reader, field)) out = *value;
  };
  YamlField gpu_hour = reader.Child(entry, "gpu_hour_usd");
  if (gpu_hour.present) {
    // Time-priced: no per-token field may be given alongside.
    for (const char* key :
         {"input", "output", "cached_input", "cache_write", "cache_write_1h", "reasoning"}) {
      YamlField token_field = reader.Child(entry, key);
      if (token_field.present) {
        reader.Fail(token_field, "a model is priced either per token or by gpu_hour_usd, not both");
      }
    }
    price.gpu_hour = reader.Usd(gpu_hour);
    if (!price.gpu_hour) price.gpu_hour = Money();  // error recorded; keep it time-priced
    if (auto n = reader.Integer(reader.Child(entry, "concurrency"), 1, kMaxConcurrency)) {
      price.concurrency = *n;
    }
  } else {
    YamlField concurrency = reader.Child(entry, "concurrency");
    if (concurrency.present) {
      reader.Fail(concurrency, "concurrency applies only to a model priced by gpu_hour_usd");
    }
    if (!reader.Child(entry, "input").present && !reader.Child(entry, "output").present) {
      // At the entry's key, as a missing required key is.
      reader.Add(MakeError(
          "give either per-token prices (input, output) or gpu_hour_usd for a self-hosted model",
          entry.path, reader.Child(entry, "input").where));
      return price;
    }
  }
  if (!price.TimePriced()) {
    read_required("input", price.input);
    read_required("output", price.output);
  }
  price.cached_input = PerTokenPrice(reader, reader.Child(entry, "cached_input"));
  price.cache_write = PerTokenPrice(reader, reader.Child(entry, "cache_write"));
  price.cache_write_1h = PerTokenPrice(reader, reader.Child(entry, "cache_write_1h"));
  price.reasoning = PerTokenPrice(reader, reader.Child(entry, "reasoning"));
  if (auto percent = reader.Integer(reader.Child(entry, "batch_discount_percent"), 0, 100)) {
    price.batch_discount_percent = static_cast<int>(*percent);
  }
  price.min_cache_prefix_tokens =
      reader.Integer(reader.Child(entry, "min_cache_prefix_tokens"), 1, kMaxCachePrefix);
  ReadCheckedString(reader, entry, "as_of", IsIsoDate, "the date the price was taken as YYYY-MM-DD",
                    price.as_of);
  ReadCheckedString(reader, entry, "source", IsHttpUrl, "the URL of the price page (https://...)",
                    price.source);
  return price;
}

void ReadCurrency(YamlReader& reader, const YamlField& root) {
  YamlField currency = reader.Child(root, "currency");
  std::optional<std::string> text = reader.String(currency);
  if (text && *text != "USD") {
    reader.Fail(currency, "only USD is supported, got " + Quoted(*text));
  }
}

}  // namespace

const ModelPrice* PriceCatalog::Find(const std::string& model) const {
  for (const ModelPrice& price : models) {
    if (price.model == model) return &price;
  }
  return nullptr;
}

std::vector<std::string> PriceCatalog::ModelNames() const {
  std::vector<std::string> names;
  for (const ModelPrice& price : models) names.push_back(price.model);
  return names;
}

Result<PriceCatalog> LoadPriceCatalog(const std::string& path) {
  Result<std::string> text = ReadUserFile(path);
  if (!text.ok()) return text.errors();
  return ParsePriceCatalog(text.value(), path);
}

Result<PriceCatalog> ParsePriceCatalog(const std::string& yaml_text, const std::string& file) {
  PriceCatalog catalog{file, {}};
  Status status =
      ReadYamlDocument(yaml_text, file, kTopKeys, [&](YamlReader& reader, const YamlField& root) {
        ReadCurrency(reader, root);
        YamlField models = reader.Child(root, "models");
        if (!reader.Require(models)) return;
        for (const YamlField& entry : reader.Entries(models)) {
          catalog.models.push_back(ReadModelPrice(reader, entry));
        }
      });
  if (!status.ok()) return status.errors();
  return catalog;
}

Money TimeCost(const ModelPrice& price, int64_t latency_us) {
  if (!price.gpu_hour) return Money();
  if (price.gpu_hour->overflowed()) return *price.gpu_hour;
  // latency_us * picos-per-hour / (3.6e9 us * concurrency), 128-bit exact (both factors below
  // 2^63), rounded half away from zero to the picodollar.
  const __int128 product = static_cast<__int128>(std::max<int64_t>(0, price.gpu_hour->picos())) *
                           std::max<int64_t>(0, latency_us);
  const __int128 divisor =
      static_cast<__int128>(kMicrosPerHour) * std::max<int64_t>(1, price.concurrency);
  __int128 quotient = product / divisor;
  if ((product % divisor) * 2 >= divisor) ++quotient;
  return quotient >= INT64_MAX ? Money::Overflow()
                               : Money::FromPicos(static_cast<int64_t>(quotient));
}

std::string TimePriceText(const ModelPrice& price) {
  const Money per_hour = price.gpu_hour.value_or(Money());
  std::string amount = per_hour.ToExactString();  // exact, but at least cents: "2.40"
  const size_t dot = amount.find('.');
  if (dot == std::string::npos || amount.size() - dot - 1 <= 2) amount = per_hour.ToFixed(2);
  return "$" + amount + " per GPU-hour / " + std::to_string(price.concurrency) +
         " concurrent request" + (price.concurrency == 1 ? "" : "s");
}

std::array<PricedTokens, 2> CacheWriteTerms(const ModelPrice& price, const Usage& usage) {
  const int64_t writes = std::max<int64_t>(0, usage.cache_write_tokens);
  const int64_t hour_writes = std::clamp<int64_t>(usage.cache_write_1h_tokens, 0, writes);
  const Money write_price = price.cache_write.value_or(price.input);
  return {PricedTokens{write_price, writes - hour_writes},
          PricedTokens{price.cache_write_1h.value_or(write_price), hour_writes}};
}

Money CallCost(const ModelPrice& price, const Usage& usage, int64_t latency_us) {
  if (price.TimePriced()) return TimeCost(price, latency_us);
  const int64_t reasoning = std::max<int64_t>(0, usage.reasoning_tokens);
  const int64_t output = std::max<int64_t>(0, usage.output_tokens);
  const int64_t plain_output = output > reasoning ? output - reasoning : 0;
  const std::array<PricedTokens, 2> writes = CacheWriteTerms(price, usage);
  const PricedTokens terms[] = {
      {price.input, usage.input_tokens},
      {price.cached_input.value_or(price.input), usage.cached_input_tokens},
      writes[0],
      writes[1],
      {price.output, plain_output},
      {price.reasoning.value_or(price.output), reasoning},
  };
  // Each term below 2^126 (both factors below 2^63); the sum stops at the first past int64.
  __int128 total = 0;
  for (const auto& [per_token, tokens] : terms) {
    total += static_cast<__int128>(per_token.picos()) * std::max<int64_t>(0, tokens);
    if (total >= INT64_MAX || total <= INT64_MIN) return Money::Overflow(total < 0);
  }
  return Money::FromPicos(static_cast<int64_t>(total));
}

Usage ImplausibleUsagePriced(const Usage& reported, const Usage& reserved) {
  auto held = [](int64_t count, int64_t floor) {
    return std::clamp<int64_t>(std::max(count, floor), 0, kMaxTokensPerCall);
  };
  Usage priced;
  priced.input_tokens = held(reported.input_tokens, reserved.input_tokens);
  priced.cached_input_tokens = held(reported.cached_input_tokens, 0);
  priced.cache_write_tokens = held(reported.cache_write_tokens, 0);
  priced.cache_write_1h_tokens =
      std::clamp<int64_t>(reported.cache_write_1h_tokens, 0, priced.cache_write_tokens);
  priced.reasoning_tokens = held(reported.reasoning_tokens, 0);
  priced.output_tokens =
      held(std::max(reported.output_tokens, priced.reasoning_tokens), reserved.output_tokens);
  return priced;
}

}  // namespace taskcost
