#include "harness/core/loading/suite_loader.h"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "harness/core/formats/content_hash.h"
#include "harness/core/formats/error_text.h"
#include "harness/core/loading/suite_parts.h"
#include "harness/core/formats/user_files.h"

namespace taskcost {
namespace {

const std::vector<std::string> kTopKeys = {
    "suite",      "unit",      "description", "samples",          "prompt",
    "output",     "success",   "quality",   "human",       "volume_per_month", "policy",
    "budget_usd", "providers", "prices",      "candidates",       "gate",
    "tags",       "review"};

void ReadName(SuiteContext& context, const YamlField& root, Suite& suite) {
  YamlReader& reader = context.reader;
  YamlField field = reader.Child(root, "suite");
  if (!reader.Require(field)) return;
  std::optional<std::string> name = reader.String(field);
  if (!name) return;
  if (!IsNameOf(*name, "_.-") || *name == "." || *name == "..") {
    reader.Fail(field, Quoted(*name) +
                           " may contain only letters, digits, '_', '.' and '-' "
                           "(it names the results directory)");
    return;
  }
  suite.name = *name;
}

void ReadUnit(SuiteContext& context, const YamlField& root, Suite& suite) {
  YamlField field = context.reader.Child(root, "unit");
  std::optional<std::string> unit = context.reader.String(field);
  if (!unit) return;
  if (unit->empty()) {
    context.reader.Fail(field, "must not be empty (it names one task in reports)");
    return;
  }
  suite.unit = *unit;
}

void ReadBudget(SuiteContext& context, const YamlField& root, Suite& suite) {
  YamlField field = context.reader.Child(root, "budget_usd");
  std::optional<Money> budget = context.reader.Usd(field);
  if (!budget) return;
  if (*budget == Money()) {
    context.reader.Fail(field, "must be greater than 0 (leave budget_usd out for no cap)");
    return;
  }
  suite.budget = *budget;
}

// providers: / prices: paths, resolved against the suite's directory; the file must exist.
std::string ReadCatalogPath(SuiteContext& context, const YamlField& root, const char* key) {
  YamlField field = context.reader.Child(root, key);
  if (!context.reader.String(field)) return "";
  return ResolveReferencedPath(context, field).value_or("");
}

void ReadTopLevel(SuiteContext& context, const YamlField& root, Suite& suite) {
  YamlReader& reader = context.reader;
  ReadName(context, root, suite);
  ReadUnit(context, root, suite);
  reader.String(reader.Child(root, "description"));  // free text, ignored; must be a scalar
  if (auto volume = reader.Integer(reader.Child(root, "volume_per_month"), 0, INT64_MAX)) {
    suite.volume_per_month = *volume;
  }
  ReadBudget(context, root, suite);
  suite.providers_file = ReadCatalogPath(context, root, "providers");
  suite.prices_file = ReadCatalogPath(context, root, "prices");
}

Suite ReadSuite(SuiteContext& context, const YamlField& root) {
  YamlReader& reader = context.reader;
  Suite suite;
  suite.file = reader.file();
  if (!reader.IsMap(root)) return suite;
  reader.CheckKeys(root, kTopKeys);
  ReadTopLevel(context, root, suite);
  YamlField samples = reader.Child(root, "samples");
  if (reader.Require(samples)) suite.samples = ReadSamples(context, samples);
  YamlField prompt = reader.Child(root, "prompt");
  if (reader.Require(prompt)) suite.prompt = ReadPrompt(context, prompt);
  YamlField output = reader.Child(root, "output");
  if (reader.Require(output)) suite.output = ReadOutput(context, output);
  suite.success =
      ReadScorers(context, reader.Child(root, "success"), suite.output.schema_json, false);
  suite.quality =
      ReadScorers(context, reader.Child(root, "quality"), suite.output.schema_json, true);
  suite.judges = context.judges;
  suite.human = ReadHuman(context, reader.Child(root, "human"));
  suite.policy = ReadPolicy(context, reader.Child(root, "policy"));
  YamlField candidates = reader.Child(root, "candidates");
  if (reader.Require(candidates)) suite.candidates = ReadCandidates(context, candidates);
  suite.gate = ReadGate(context, reader.Child(root, "gate"), suite.candidates);
  suite.tags = ReadTags(reader, reader.Child(root, "tags"));
  suite.review = ReadReview(context, reader.Child(root, "review"));
  CheckTemplateFields(context, suite.samples);
  if (prompt.present && prompt.node.IsMap()) {
    CheckPromptMessages(context, suite.prompt, reader.Child(prompt, "messages"), suite.samples);
  }
  return suite;
}

}  // namespace

bool IsNameOf(std::string_view text, std::string_view punctuation) {
  if (text.empty()) return false;
  for (char c : text) {
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && punctuation.find(c) == std::string_view::npos) return false;
  }
  return true;
}

std::optional<std::string> ResolveReferencedPath(SuiteContext& context, const YamlField& field) {
  const std::string& written = field.node.Scalar();
  std::string resolved = ResolvePath(context.dir, written);
  std::error_code ec;
  if (!std::filesystem::exists(resolved, ec)) {
    context.reader.Fail(field,
                        "file " + Quoted(written) + " not found (looked for " + resolved + ")");
    return std::nullopt;
  }
  return resolved;
}

std::optional<std::string> ReadReferencedFile(SuiteContext& context, const YamlField& field,
                                              std::string* resolved, size_t max_bytes) {
  std::optional<std::string> path = ResolveReferencedPath(context, field);
  if (!path) return std::nullopt;
  *resolved = *path;
  Result<std::string> bytes = ReadUserFile(*resolved, max_bytes);
  if (!bytes.ok()) {
    context.reader.Fail(field, *resolved + ": " + bytes.error().message);
    return std::nullopt;
  }
  return std::move(bytes).value();
}

namespace {

SuiteRead ReadSuiteOrThrow(const std::string& path) {
  SuiteRead read;
  read.suite.file = path;
  Result<std::string> text = ReadUserFile(path);
  if (!text.ok()) return {std::move(read.suite), text.errors()};
  Result<YAML::Node> document = ParseYaml(text.value(), path);
  if (!document.ok()) return {std::move(read.suite), document.errors()};
  SuiteContext context{YamlReader(path), DirectoryOf(path), "", "", {}, {}};
  read.suite = ReadSuite(context, context.reader.Root(document.value()));
  read.errors = context.reader.errors();
  std::vector<std::string_view> hashed = {text.value(), context.samples_bytes,
                                          context.schema_bytes};
  // Appended only when present, so suites without step schema files keep their hash.
  for (const std::string& bytes : context.step_schema_bytes) hashed.push_back(bytes);
  read.suite.content_hash = ContentHash(hashed);
  return read;
}

}  // namespace

SuiteRead ReadSuiteFile(const std::string& path) {
  try {
    return ReadSuiteOrThrow(path);
  } catch (const YAML::Exception& e) {  // the boundary: library faults become user errors
    return {Suite{}, {LibraryError(e, path)}};
  } catch (const nlohmann::json::exception& e) {
    return {Suite{},
            {MakeError(std::string("cannot be read as JSON: ") + e.what(), "", {path, 0, 0})}};
  }
}

Result<Suite> LoadSuite(const std::string& path) {
  SuiteRead read = ReadSuiteFile(path);
  if (!read.errors.empty()) return std::move(read.errors);
  return std::move(read.suite);
}

Status CheckSuiteAgainstCatalogs(const Suite& suite, const ProviderCatalog& providers,
                                 const PriceCatalog& prices) {
  Errors errors;
  // Single-model candidates and the LLM judges' models, each with the path its fields are at.
  std::vector<std::pair<const Candidate*, std::string>> models;
  for (size_t i = 0; i < suite.candidates.size(); ++i) {
    // A cascade's or chain's steps are candidates checked on their own.
    if (!suite.candidates[i].IsComposite()) {
      models.emplace_back(&suite.candidates[i], "candidates[" + std::to_string(i) + "]");
    }
  }
  for (const auto* list : {&suite.success, &suite.quality}) {
    for (const SuccessCriterion& scorer : *list) {
      if (scorer.judge >= 0) {
        models.emplace_back(&suite.judges.at(static_cast<size_t>(scorer.judge)), scorer.path);
      }
    }
  }
  for (const auto& [model, path] : models) {
    const Candidate& c = *model;
    if (!c.provider.empty() && providers.Find(c.provider) == nullptr) {
      std::string suggestion = DidYouMean(c.provider, providers.Names());
      std::string message = "unknown provider " + Quoted(c.provider);
      message += suggestion.empty()
                     ? " (" + providers.file + " defines: " + JoinNames(providers.Names()) + ")"
                     : suggestion;
      errors.push_back(MakeError(message, path + ".provider", c.provider_where));
    }
    if (!c.price.empty() && prices.Find(c.price) == nullptr) {
      std::string suggestion = DidYouMean(c.price, prices.ModelNames());
      if (!suggestion.empty()) suggestion = " (" + suggestion.substr(2) + ")";
      std::string fix = c.price_given ? "add it there or correct " + path + ".price"
                                      : "add it there or set " + path + ".price";
      errors.push_back(MakeError(
          "no price for " + Quoted(c.price) + " in " + prices.file + suggestion + "; " + fix,
          path + (c.price_given ? ".price" : ".model"), c.price_where));
    }
  }
  if (!errors.empty()) return errors;
  return OkStatus();
}

}  // namespace taskcost
