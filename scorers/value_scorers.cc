// Built-in scorers over one value of the answer: field_equals, field_in, numeric_within, regex,
// contains, max_words, max_chars.
#include <re2/re2.h>

#include "harness/core/formats/error_text.h"
#include "scorers/decimal.h"
#include "scorers/scorer.h"
#include "scorers/scorer_util.h"

namespace taskcost {
namespace {

using nlohmann::json;

// A scorer of one field of the answer (or the whole answer when the field is "").
class FieldScorer : public Scorer {
 public:
  using Scorer::Scorer;

  CheckResult Score(const ScorerInput& input) const final {
    if (spec_.field.empty() && JudgesText()) {
      return ScoreValue(input, json(std::string(input.text)));
    }
    if (input.json == nullptr) return Failed("output is not JSON");
    const json* value = FindField(*input.json, spec_.field);
    if (value == nullptr) return Failed("field \"" + spec_.field + "\" is missing");
    return ScoreValue(input, *value);
  }

 protected:
  // Whether, without a field, the scorer reads the answer's text rather than its JSON.
  virtual bool JudgesText() const { return false; }
  virtual CheckResult ScoreValue(const ScorerInput& input, const json& value) const = 0;
};

class FieldEquals : public FieldScorer {
 public:
  using FieldScorer::FieldScorer;
  CheckResult ScoreValue(const ScorerInput& input, const json& value) const override {
    Result<std::string> expected = RenderExpected(spec_.expected, input.sample);
    if (!expected.ok()) return CannotJudge(expected.error().message);
    if (TextOf(value) == expected.value()) return Passed();
    return Failed("expected " + Quoted(expected.value()) + ", got " + Shown(value));
  }
};

class FieldIn : public FieldScorer {
 public:
  using FieldScorer::FieldScorer;
  CheckResult ScoreValue(const ScorerInput& input, const json& value) const override {
    const std::string got = Fold(TextOf(value));
    std::vector<std::string> allowed;
    for (const std::string& text : spec_.values) {
      Result<std::string> rendered = RenderExpected(text, input.sample);
      if (!rendered.ok()) return CannotJudge(rendered.error().message);
      if (Fold(rendered.value()) == got) return Passed();
      allowed.push_back(Quoted(rendered.value()));
    }
    return Failed(Shown(value) + " is not one of " + JoinNames(allowed));
  }

 private:
  std::string Fold(const std::string& text) const {
    return spec_.ignore_case ? Lower(text) : text;
  }
};

class NumericWithin : public FieldScorer {
 public:
  using FieldScorer::FieldScorer;
  CheckResult ScoreValue(const ScorerInput& input, const json& value) const override {
    Result<std::string> expected_text = RenderExpected(spec_.expected, input.sample);
    if (!expected_text.ok()) return CannotJudge(expected_text.error().message);
    std::optional<Decimal> expected = ParseDecimal(expected_text.value());
    if (!expected) {
      return CannotJudge("expected value " + Quoted(expected_text.value()) + " is not a number");
    }
    std::optional<Decimal> got;
    if (value.is_number() || value.is_string()) got = ParseDecimal(TextOf(value));
    if (!got) return Failed("expected a number, got " + Shown(value));
    const Tolerance tolerance{spec_.tolerance_e12, spec_.relative};
    if (Within(*got, *expected, tolerance)) return Passed();
    return Failed("expected " + expected->text + " " + ToleranceText(tolerance) + ", got " +
                  got->text + " (off by " + Difference(*got, *expected) + ")");
  }
};

class Regex : public FieldScorer {
 public:
  explicit Regex(const SuccessCriterion& spec)
      : FieldScorer(spec), re_(spec.pattern, Options(spec)) {}
  bool JudgesText() const override { return true; }
  CheckResult ScoreValue(const ScorerInput&, const json& value) const override {
    if (!re_.ok()) return CannotJudge("invalid regular expression: " + re_.error());
    if (RE2::PartialMatch(TextOf(value), re_)) return Passed();
    return Failed(Shown(value) + " does not match /" + spec_.pattern + "/");
  }

 private:
  static RE2::Options Options(const SuccessCriterion& spec) {
    RE2::Options options;
    options.set_log_errors(false);
    options.set_case_sensitive(!spec.ignore_case);
    return options;
  }
  RE2 re_;
};

class Contains : public FieldScorer {
 public:
  using FieldScorer::FieldScorer;
  bool JudgesText() const override { return true; }
  CheckResult ScoreValue(const ScorerInput& input, const json& value) const override {
    Result<std::string> needle = RenderExpected(spec_.expected, input.sample);
    if (!needle.ok()) return CannotJudge(needle.error().message);
    std::string haystack = TextOf(value);
    std::string wanted = needle.value();
    if (spec_.ignore_case) {
      haystack = Lower(haystack);
      wanted = Lower(wanted);
    }
    if (haystack.find(wanted) != std::string::npos) return Passed();
    return Failed(Shown(value) + " does not contain " + Quoted(needle.value()));
  }
};

// Words: runs of characters other than ASCII whitespace. Characters: Unicode code points.
int64_t CountWords(std::string_view text) {
  int64_t words = 0;
  bool in_word = false;
  for (char c : text) {
    const bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    if (!space && !in_word) ++words;
    in_word = !space;
  }
  return words;
}

int64_t CountChars(std::string_view text) {
  int64_t chars = 0;
  for (unsigned char c : text) chars += (c & 0xC0) != 0x80 ? 1 : 0;
  return chars;
}

class MaxLength : public FieldScorer {
 public:
  using FieldScorer::FieldScorer;
  bool JudgesText() const override { return true; }
  CheckResult ScoreValue(const ScorerInput&, const json& value) const override {
    const bool words = spec_.kind == "max_words";
    const std::string text = TextOf(value);
    const int64_t n = words ? CountWords(text) : CountChars(text);
    const std::string unit = words ? " words" : " characters";
    if (n <= spec_.limit) return Passed(std::to_string(n) + unit);
    return Failed(std::to_string(n) + unit + ", more than " + std::to_string(spec_.limit));
  }
};

}  // namespace

std::unique_ptr<const Scorer> MakeBuiltinScorer(const SuccessCriterion& spec) {
  const std::string& kind = spec.kind;
  if (kind == "field_equals") return std::make_unique<FieldEquals>(spec);
  if (kind == "field_in") return std::make_unique<FieldIn>(spec);
  if (kind == "numeric_within") return std::make_unique<NumericWithin>(spec);
  if (kind == "regex") return std::make_unique<Regex>(spec);
  if (kind == "contains") return std::make_unique<Contains>(spec);
  if (kind == "max_words" || kind == "max_chars") return std::make_unique<MaxLength>(spec);
  return MakeStructureScorer(spec);
}

}  // namespace taskcost
