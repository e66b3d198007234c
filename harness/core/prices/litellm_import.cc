#include "harness/core/prices/litellm_import.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "harness/core/prices/catalog_writer.h"
#include "harness/core/formats/error_text.h"
#include "harness/core/formats/json_parse.h"
#include "harness/core/prices/catalog_writer.h"

namespace taskcost {
namespace {

using Json = nlohmann::json;

bool IsPriceField(const std::string& key) {
  static const std::vector<std::string> kFields = {
      kLiteLlmInput,     kLiteLlmOutput,     kLiteLlmCacheRead,  kLiteLlmCacheWrite,
      kLiteLlmReasoning, kLiteLlmBatchInput, kLiteLlmBatchOutput};
  return std::find(kFields.begin(), kFields.end(), key) != kFields.end();
}

// SAX events of the whole file; keeps the text of numbers in price fields of top-level entries.
// Depth counts the open objects and arrays: top-level keys are at depth 1, fields at depth 2.
class PriceSax : public nlohmann::json_sax<Json> {
 public:
  explicit PriceSax(LiteLlmFile& out) : out_(out) {}

  bool null() override { return Value(""); }
  bool boolean(bool) override { return Value("true or false"); }
  bool number_integer(number_integer_t v) override { return Number(std::to_string(v)); }
  bool number_unsigned(number_unsigned_t v) override { return Number(std::to_string(v)); }
  bool number_float(number_float_t, const string_t& text) override { return Number(text); }
  bool string(string_t&) override { return Value("a string"); }
  bool binary(binary_t&) override { return Value("binary data"); }
  bool start_object(std::size_t) override { return Open("an object"); }
  bool start_array(std::size_t) override { return Open("an array"); }
  bool end_object() override { return Close(); }
  bool end_array() override { return Close(); }
  bool key(string_t& key) override {
    if (depth_ == 1) {
      model_ = key == "sample_spec" ? nullptr : &out_.models.emplace_back(LiteLlmModel{key});
    }
    if (depth_ == 2) field_ = key;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }
  bool top_is_object() const { return top_is_object_; }

 private:
  bool InPriceField() const { return depth_ == 2 && model_ != nullptr && IsPriceField(field_); }
  bool Number(const std::string& text) {
    if (InPriceField()) model_->numbers[field_] = text;
    if (depth_ == 1 && model_ != nullptr) model_->is_object = false;
    return true;
  }
  // A non-number value; `kind` "" is null, which counts as absent.
  bool Value(const char* kind) {
    if (InPriceField() && *kind != '\0') model_->invalid[field_] = kind;
    if (depth_ == 1 && model_ != nullptr) model_->is_object = false;
    return true;
  }
  bool Open(const char* kind) {
    if (depth_ == 0) top_is_object_ = std::string(kind) == "an object";
    if (depth_ == 1 && model_ != nullptr && std::string(kind) != "an object") {
      model_->is_object = false;
    }
    if (InPriceField()) model_->invalid[field_] = kind;
    ++depth_;
    return true;
  }
  bool Close() {
    --depth_;
    return true;
  }

  LiteLlmFile& out_;
  LiteLlmModel* model_ = nullptr;  // the entry being read; null for sample_spec
  std::string field_;
  int depth_ = 0;
  bool top_is_object_ = false;
};

// A per-token price from the entry, exact; unset when the field is absent.
Result<std::optional<Money>> PerToken(const LiteLlmModel& m, const char* field,
                                      const std::string& file) {
  const std::string path = Quoted(m.key) + "." + field;
  if (auto bad = m.invalid.find(field); bad != m.invalid.end()) {
    return MakeError("expected a number (USD per token), got " + bad->second, path, {file});
  }
  auto found = m.numbers.find(field);
  if (found == m.numbers.end()) return std::optional<Money>();
  Result<Money> price = Money::ParseUsd(found->second);
  if (!price.ok()) {
    return MakeError(price.error().message + " (USD per token)", path, {file});
  }
  if (*price < Money())
    return MakeError("must not be negative, got " + found->second, path, {file});
  return std::optional<Money>(*price);
}

// The discount the batch rates give on both input and output, when it is one whole percentage.
std::optional<int> BatchPercent(Money input, Money output, std::optional<Money> batch_input,
                                std::optional<Money> batch_output) {
  if (!batch_input || !batch_output || input.picos() <= 0 || output.picos() <= 0) {
    return std::nullopt;
  }
  const int64_t in_off = (input - *batch_input).picos() * 100;
  const int64_t out_off = (output - *batch_output).picos() * 100;
  if (in_off % input.picos() != 0 || out_off % output.picos() != 0) return std::nullopt;
  const int64_t percent = in_off / input.picos();
  if (percent != out_off / output.picos() || percent < 0 || percent > 100) return std::nullopt;
  return static_cast<int>(percent);
}

struct EntryRates {
  std::optional<Money> input, output, cache_read, cache_write, reasoning, batch_in, batch_out;
};

Result<EntryRates> ReadRates(const LiteLlmModel& m, const std::string& file) {
  EntryRates r;
  Errors errors;
  auto read = [&](const char* field, std::optional<Money>& out) {
    Result<std::optional<Money>> value = PerToken(m, field, file);
    if (value.ok())
      out = *value;
    else
      errors.push_back(value.error());
  };
  read(kLiteLlmInput, r.input);
  read(kLiteLlmOutput, r.output);
  read(kLiteLlmCacheRead, r.cache_read);
  read(kLiteLlmCacheWrite, r.cache_write);
  read(kLiteLlmReasoning, r.reasoning);
  read(kLiteLlmBatchInput, r.batch_in);
  read(kLiteLlmBatchOutput, r.batch_out);
  if (!errors.empty()) return errors;
  return r;
}

Result<ModelPrice> PriceFromEntry(const LiteLlmModel& m, const ModelPrice* current,
                                  const ImportOptions& options, const std::string& file) {
  if (!m.is_object) return MakeError("expected an object of prices", Quoted(m.key), {file});
  Result<EntryRates> rates = ReadRates(m, file);
  if (!rates.ok()) return rates.errors();
  const EntryRates& r = rates.value();
  const char* in_field = options.batch ? kLiteLlmBatchInput : kLiteLlmInput;
  const char* out_field = options.batch ? kLiteLlmBatchOutput : kLiteLlmOutput;
  const std::optional<Money> input = options.batch ? r.batch_in : r.input;
  const std::optional<Money> output = options.batch ? r.batch_out : r.output;
  Errors errors;
  for (auto [field, value] : {std::pair{in_field, input}, std::pair{out_field, output}}) {
    if (!value)
      errors.push_back(
          MakeError("missing; a catalog entry needs it", Quoted(m.key) + "." + field, {file}));
  }
  if (!errors.empty()) return errors;
  ModelPrice price;
  price.model = m.key;
  price.input = *input;
  price.output = *output;
  price.cached_input = r.cache_read;
  price.cache_write = r.cache_write;
  price.reasoning = r.reasoning;
  if (!options.batch) {
    price.batch_discount_percent =
        BatchPercent(*r.input, *r.output, r.batch_in, r.batch_out)
            .value_or(current && !r.batch_in && !r.batch_out ? current->batch_discount_percent : 0);
  }
  price.as_of = options.as_of;
  price.source = options.source;
  return price;
}

std::vector<std::string> NewEntryDetails(const ModelPrice& p) {
  std::vector<std::string> details = {"input $" + PerMillionText(p.input)};
  if (p.cached_input) details.push_back("cached input $" + PerMillionText(*p.cached_input));
  if (p.cache_write) details.push_back("cache write $" + PerMillionText(*p.cache_write));
  details.push_back("output $" + PerMillionText(p.output));
  if (p.reasoning) details.push_back("reasoning $" + PerMillionText(*p.reasoning));
  return details;
}

ModelImport Merge(const ModelPrice& current, const ModelPrice& imported, ModelPrice& out) {
  ModelImport entry{current.model};
  entry.details = RateChanges(current, imported);
  if (current.batch_discount_percent != imported.batch_discount_percent) {
    entry.details.push_back("batch discount " + std::to_string(current.batch_discount_percent) +
                            "% -> " + std::to_string(imported.batch_discount_percent) + "%");
  }
  entry.status = entry.details.empty() ? ImportStatus::kUnchanged : ImportStatus::kChanged;
  out = entry.details.empty() ? current : imported;
  // What LiteLLM's map does not carry stays as the catalog had it.
  if (!out.cache_write_1h) out.cache_write_1h = current.cache_write_1h;
  if (!out.min_cache_prefix_tokens) out.min_cache_prefix_tokens = current.min_cache_prefix_tokens;
  return entry;
}

}  // namespace

const LiteLlmModel* LiteLlmFile::Find(const std::string& key) const {
  for (const LiteLlmModel& m : models) {
    if (m.key == key) return &m;
  }
  return nullptr;
}

Result<LiteLlmFile> ParseLiteLlm(std::string_view text, const std::string& file) {
  LiteLlmFile out{file, {}};
  PriceSax sax(out);
  const bool parsed = Json::sax_parse(text, &sax);
  if (!parsed) {
    Result<nlohmann::ordered_json> located = ParseJsonAt(text, {file, 1, 0});
    if (!located.ok()) return located.errors();
    return MakeError("not valid JSON", "", {file});
  }
  if (!sax.top_is_object()) {
    return MakeError("expected LiteLLM's price map: a JSON object keyed by model name", "", {file});
  }
  return out;
}

Result<ImportResult> ImportLiteLlm(const LiteLlmFile& file, const PriceCatalog& current,
                                   const ImportOptions& options) {
  ImportResult result;
  result.catalog.file = current.file;
  Errors errors;
  for (const ModelPrice& price : current.models) {
    // A time-priced (self-hosted) entry keeps its GPU-hour price: token prices do not apply.
    const LiteLlmModel* entry = price.TimePriced() ? nullptr : file.Find(price.model);
    ModelPrice merged = price;
    if (entry == nullptr) {
      result.models.push_back({price.model, ImportStatus::kNotInFile, {}});
    } else if (Result<ModelPrice> imported = PriceFromEntry(*entry, &price, options, file.file)) {
      result.models.push_back(Merge(price, *imported, merged));
    } else {
      errors.insert(errors.end(), imported.errors().begin(), imported.errors().end());
    }
    result.catalog.models.push_back(std::move(merged));
  }
  for (const std::string& key : options.add) {
    if (current.Find(key) != nullptr) continue;
    const LiteLlmModel* entry = file.Find(key);
    if (entry == nullptr) {
      std::vector<std::string> keys;
      for (const LiteLlmModel& m : file.models) keys.push_back(m.key);
      errors.push_back(MakeError(Quoted(key) + " is not in " + file.file + DidYouMean(key, keys)));
      continue;
    }
    Result<ModelPrice> imported = PriceFromEntry(*entry, nullptr, options, file.file);
    if (!imported.ok()) {
      errors.insert(errors.end(), imported.errors().begin(), imported.errors().end());
      continue;
    }
    result.models.push_back({key, ImportStatus::kAdded, NewEntryDetails(*imported)});
    result.catalog.models.push_back(std::move(imported).value());
  }
  if (!errors.empty()) return errors;
  return result;
}

std::string RenderImport(const ImportResult& result, const std::string& file_label) {
  std::string out = "prices from " + file_label + " against the current catalog:\n";
  int64_t unchanged = 0;
  for (const ModelImport& m : result.models) {
    switch (m.status) {
      case ImportStatus::kChanged:
        out += "  changed  " + m.model + ": " + JoinNames(m.details) + " (USD per 1M tokens)\n";
        break;
      case ImportStatus::kAdded:
        out += "  added    " + m.model + ": " + JoinNames(m.details) + " (USD per 1M tokens)\n";
        break;
      case ImportStatus::kNotInFile:
        out += "  missing  " + m.model + ": not in " + file_label + "; kept as it was\n";
        break;
      case ImportStatus::kUnchanged:
        ++unchanged;
        break;
    }
  }
  out += "  " + std::to_string(unchanged) + " unchanged\n";
  return out;
}

}  // namespace taskcost
