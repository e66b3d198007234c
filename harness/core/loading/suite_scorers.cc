// The success: and quality: lists of suite.yaml: one scorer per list item, its keys checked per
// kind. Evaluation lives in scorers/; this file only reads and checks what is written.
#include <re2/re2.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "harness/core/formats/error_text.h"
#include "harness/core/formats/field_path.h"
#include "harness/core/loading/suite_parts.h"

namespace taskcost {
namespace {

using Json = nlohmann::ordered_json;

const std::vector<std::string>& ScorerKinds() {
  static const std::vector<std::string> kinds = {
      "field_equals", "field_in",  "regex",     "contains", "numeric_within", "json_subset",
      "list_f1",      "max_words", "max_chars", "command",  "judge"};
  return kinds;
}

// For a field path: the steps must be well formed, and must exist in the schema wherever the
// schema lists `properties` (array steps descend into `items`). "" when fine or not judgeable.
std::string SchemaFieldProblem(const std::string& schema_json, const std::string& field) {
  std::optional<std::vector<std::string>> steps = SplitFieldPath(field);
  if (!steps) {
    return "malformed field path " + Quoted(field) +
           "; write names joined by dots, indices as [0]: line_items[0].sku";
  }
  if (schema_json.empty()) return "";
  Json node = Json::parse(schema_json);
  std::string prefix;
  for (const std::string& step : *steps) {
    if (!node.is_object()) return "";
    if (StepIndex(step) && node.contains("items") && node.value("type", "") == "array") {
      node = Json(node["items"]);
      prefix += "[" + step + "]";
      continue;
    }
    auto properties = node.find("properties");
    if (properties == node.end() || !properties->is_object()) return "";
    auto child = properties->find(step);
    if (child == properties->end()) {
      std::vector<std::string> names;
      for (const auto& [name, value] : properties->items()) names.push_back(name);
      return "the output schema has no property " + Quoted(step) +
             (prefix.empty() ? "" : " under " + Quoted(prefix)) + DidYouMean(step, names);
    }
    node = Json(*child);
    prefix += (prefix.empty() ? "" : ".") + step;
  }
  return "";
}

class ScorerReader {
 public:
  ScorerReader(SuiteContext& context, const YamlField& body, const std::string& schema_json,
               SuccessCriterion& out)
      : context_(context), reader_(context.reader), body_(body), schema_(schema_json),
        out_(out) {}

  // Reads the body of one scorer of kind out_.kind; false when it has errors.
  bool Read() {
    const std::string& kind = out_.kind;
    if (kind == "command") return ReadCommand();
    if (!reader_.IsMap(body_)) return false;
    if (kind == "judge") return ReadJudge();
    if (kind == "field_equals") return Keys({"field", "expected"}) & Field(true) & Expected();
    if (kind == "field_in") return Keys({"field", "values", "ignore_case"}) & Field(true) &
                                   Values() & IgnoreCase();
    if (kind == "regex") return Keys({"field", "pattern", "ignore_case"}) & Field(false) &
                                IgnoreCase() & Pattern();
    if (kind == "contains") return Keys({"field", "value", "ignore_case"}) & Field(false) &
                                   Expected("value") & IgnoreCase();
    if (kind == "numeric_within") return Keys({"field", "expected", "abs", "rel"}) & Field(true) &
                                         Expected() & Tolerance();
    if (kind == "json_subset") return Keys({"field", "expected"}) & Field(false) & JsonExpected();
    if (kind == "list_f1") return Keys({"field", "expected", "key", "threshold", "ignore_case"}) &
                                  Field(true) & JsonExpected() & ListOptions() & IgnoreCase();
    return Keys({"field", "max"}) & Field(false) & Limit();  // max_words, max_chars
  }

 private:
  YamlField Child(const char* key) const { return reader_.Child(body_, key); }
  bool Keys(const std::vector<std::string>& keys) {
    const size_t before = reader_.errors().size();
    reader_.CheckKeys(body_, keys);
    return reader_.errors().size() == before;
  }

  bool Field(bool required) {
    YamlField field = Child("field");
    if (required && !reader_.Require(field)) return false;
    if (!field.present) return true;
    std::optional<std::string> text = reader_.String(field);
    if (!text) return false;
    std::string problem = text->empty() ? "must name an output field, e.g. category"
                                        : SchemaFieldProblem(schema_, *text);
    if (!problem.empty()) {
      reader_.Fail(field, problem);
      return false;
    }
    out_.field = *text;
    return true;
  }

  bool Expected(const char* key = "expected") {
    YamlField expected = Child(key);
    if (!reader_.Require(expected)) return false;
    std::optional<std::string> text = ReadTemplate(context_, expected);
    if (text) out_.expected = *text;
    return text.has_value();
  }

  // A literal JSON value (mapping or list; strings in it are templates), or a template string
  // that renders to JSON text.
  bool JsonExpected() {
    YamlField expected = Child("expected");
    if (!reader_.Require(expected)) return false;
    if (expected.node.IsScalar()) return Expected();
    std::optional<std::string> json = reader_.JsonText(expected);
    if (!json) return false;
    if (out_.kind == "list_f1" && !expected.node.IsSequence()) {
      reader_.Fail(expected, "expected a list, or a template such as \"{{expected_items}}\"");
      return false;
    }
    out_.expected_json = *json;
    context_.templates.push_back(TemplateUse{expected.path, expected.where, *json});
    return true;
  }

  bool Values() {
    YamlField values = Child("values");
    if (!reader_.Require(values)) return false;
    bool ok = reader_.IsList(values);
    for (const YamlField& item : reader_.Items(values)) {
      std::optional<std::string> text = ReadTemplate(context_, item);
      if (text) out_.values.push_back(*text);
      ok = ok && text.has_value();
    }
    if (ok && out_.values.empty()) {
      reader_.Fail(values, "must list at least one value");
      return false;
    }
    return ok;
  }

  bool IgnoreCase() {
    std::optional<bool> value = reader_.Bool(Child("ignore_case"));
    if (value) out_.ignore_case = *value;
    return true;
  }

  bool Pattern() {
    YamlField pattern = Child("pattern");
    if (!reader_.Require(pattern)) return false;
    std::optional<std::string> text = reader_.String(pattern);
    if (!text) return false;
    RE2::Options options;
    options.set_log_errors(false);
    options.set_case_sensitive(!out_.ignore_case);
    RE2 compiled(*text, options);
    if (!compiled.ok()) {
      reader_.Fail(pattern, "invalid regular expression " + Quoted(*text) + ": " +
                                compiled.error() + " (RE2 syntax)");
      return false;
    }
    out_.pattern = *text;
    return true;
  }

  bool Tolerance() {
    YamlField abs = Child("abs"), rel = Child("rel");
    if (abs.present == rel.present) {
      reader_.Fail(abs.present ? rel : body_,
                   "give exactly one tolerance: abs (absolute, e.g. 0.01) or rel (relative, "
                   "e.g. 0.02 for 2%)");
      return false;
    }
    std::optional<int64_t> value = reader_.Decimal(abs.present ? abs : rel, 12);
    if (value) out_.tolerance_e12 = *value;
    out_.relative = rel.present;
    return value.has_value();
  }

  bool ListOptions() {
    YamlField key = Child("key");
    if (key.present) {
      std::optional<std::string> text = reader_.String(key);
      if (!text || !SplitFieldPath(*text) || text->empty()) {
        if (text) reader_.Fail(key, "malformed field path " + Quoted(*text));
        return false;
      }
      out_.key = *text;
    }
    YamlField threshold = Child("threshold");
    if (!threshold.present) return true;
    std::optional<int64_t> ppm = reader_.Decimal(threshold, 6);
    if (ppm && *ppm > 1'000'000) {
      reader_.Fail(threshold, "must be between 0 and 1, got " + threshold.node.Scalar());
      return false;
    }
    if (ppm) out_.threshold_ppm = *ppm;
    return ppm.has_value();
  }

  bool Limit() {
    YamlField max = Child("max");
    if (!reader_.Require(max)) return false;
    std::optional<int64_t> limit = reader_.Integer(max, 0, 1'000'000'000);
    if (limit) out_.limit = *limit;
    return limit.has_value();
  }

  // command: [argv...] or command: {run: [argv...], timeout_s: 10}
  bool ReadCommand() {
    if (!body_.node.IsMap()) return ReadArgv(body_);
    if (!Keys({"run", "timeout_s"})) return false;
    YamlField timeout = Child("timeout_s");
    std::optional<int64_t> millis = reader_.Decimal(timeout, 3);
    if (millis && *millis == 0) reader_.Fail(timeout, "must be greater than 0");
    if (millis && *millis > 0) out_.timeout = std::chrono::milliseconds(*millis);
    // A fresh field, never assigned: yaml-cpp's Node::operator= writes into the document.
    const YamlField argv = Child("run");
    return reader_.Require(argv) && ReadArgv(argv);
  }

  // judge: {provider, model, price, params, rubric, name, pass_score}
  bool ReadJudge() {
    if (!Keys({"provider", "model", "price", "params", "rubric", "name", "pass_score"})) {
      return false;
    }
    const size_t before = reader_.errors().size();
    Candidate model;
    model.where = body_.where;
    ReadModelFields(reader_, body_, model);
    YamlField rubric = Child("rubric");
    if (reader_.Require(rubric)) {
      std::optional<std::string> text = ReadTemplate(context_, rubric);
      if (text && text->find_first_not_of(" \t\r\n") == std::string::npos) {
        reader_.Fail(rubric,
                     "must say what a good answer is, e.g. \"Polite, and answers the "
                     "customer's question\"");
      }
      if (text) out_.rubric = *text;
    }
    YamlField name = Child("name");
    out_.judge_name = model.model;
    if (name.present) {
      std::optional<std::string> text = reader_.String(name);
      if (text && !IsNameOf(*text, "_.:-")) {
        reader_.Fail(name, Quoted(*text) +
                               " may contain only letters, digits, '_', '.', ':' "
                               "and '-'");
      } else if (text) {
        out_.judge_name = *text;
      }
    }
    if (YamlField pass = Child("pass_score"); pass.present) {
      std::optional<int64_t> ppm = reader_.Decimal(pass, 6);
      if (ppm && *ppm > 1'000'000) {
        reader_.Fail(pass, "must be between 0 and 1, got " + pass.node.Scalar());
      } else if (ppm) {
        out_.pass_ppm = *ppm;
      }
    }
    for (const Candidate& other : context_.judges) {
      if (other.id != "judge(" + out_.judge_name + ")") continue;
      reader_.Fail(name.present ? name : body_,
                   "another judge is already named " + Quoted(out_.judge_name) + " (line " +
                       std::to_string(other.where.line) + "); give each judge its own name:");
    }
    if (reader_.errors().size() != before) return false;
    model.id = "judge(" + out_.judge_name + ")";
    out_.judge = static_cast<int>(context_.judges.size());
    context_.judges.push_back(std::move(model));
    return true;
  }

  bool ReadArgv(const YamlField& argv) {
    if (!reader_.IsList(argv)) return false;
    for (const YamlField& item : reader_.Items(argv)) {
      std::optional<std::string> word = reader_.String(item);
      if (word) out_.command.push_back(*word);
    }
    if (out_.command.empty() || out_.command.front().empty()) {
      reader_.Fail(argv, "expected the program and its arguments, e.g. [\"python3\", "
                         "\"scorers/check.py\"]");
      return false;
    }
    out_.dir = context_.dir;
    return true;
  }

  SuiteContext& context_;
  YamlReader& reader_;
  const YamlField& body_;
  const std::string& schema_;
  SuccessCriterion& out_;
};

}  // namespace

std::vector<SuccessCriterion> ReadScorers(SuiteContext& context, const YamlField& list,
                                          const std::string& schema_json, bool quality) {
  std::vector<SuccessCriterion> scorers;
  YamlReader& reader = context.reader;
  for (const YamlField& item : reader.Items(list)) {
    if (!reader.IsMap(item)) continue;
    if (item.node.size() != 1) {
      reader.Fail(item,
                  "expected one criterion per list item, such as field_equals: {field: "
                  "category, expected: \"{{expected_category}}\"}");
      continue;
    }
    const size_t before = reader.errors().size();
    reader.CheckKeys(item, ScorerKinds());
    if (reader.errors().size() != before) continue;
    const std::string kind = item.node.begin()->first.Scalar();
    YamlField body = reader.Child(item, kind);
    SuccessCriterion scorer;
    scorer.kind = kind;
    scorer.where = body.where;
    scorer.quality = quality;
    scorer.path = body.path;
    if (ScorerReader(context, body, schema_json, scorer).Read()) {
      scorers.push_back(std::move(scorer));
    }
  }
  return scorers;
}

}  // namespace taskcost
