#include "harness/core/formats/json_parse.h"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <string>
#include <tuple>
#include <utility>

namespace taskcost {
namespace {

// Line and column (1-based, in bytes) of `offset` in `text`.
std::pair<int, int> LineColumn(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  int line = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return {line, static_cast<int>(offset - line_start) + 1};
}

JsonRefusal TooDeepAt(std::string_view text) {
  JsonRefusal refusal;
  refusal.kind = JsonRefusal::Kind::kTooDeep;
  refusal.what = "nested deeper than " + std::to_string(kMaxJsonDepth) + " levels";
  // Called once the parser found it, so the text before it is valid JSON and the strings are
  // where the scan sees them.
  const std::optional<JsonShapeLimit> at =
      FirstPastLimits(text, kMaxJsonDepth, std::numeric_limits<size_t>::max());
  if (at) std::tie(refusal.line, refusal.column) = LineColumn(text, at->offset);
  return refusal;
}

// nlohmann's parse_error text: "[json.exception.parse_error.101] parse error at line 1, column
// 5: syntax error ...": the line, the column and what follows them.
JsonRefusal SyntaxRefusal(const std::string& what) {
  JsonRefusal refusal;
  const size_t at = what.find("at line ");
  if (at != std::string::npos) {
    std::sscanf(what.c_str() + at, "at line %d, column %d", &refusal.line, &refusal.column);
  }
  const size_t colon = what.find(": ", at == std::string::npos ? 0 : at);
  refusal.what = colon == std::string::npos ? what : what.substr(colon + 2);
  return refusal;
}

// The DOM builder of Json::parse behind a depth count: an object or array deeper than
// kMaxJsonDepth stops the parse, or (pruning) is skipped with everything in it. A parse error
// (syntax, or nlohmann's out_of_range.406 for a number beyond a double) is kept, not thrown.
template <class Json>
class BoundedSax {
 public:
  using Int = typename Json::number_integer_t;
  using Unsigned = typename Json::number_unsigned_t;
  using Float = typename Json::number_float_t;
  using String = typename Json::string_t;
  using Binary = typename Json::binary_t;

  BoundedSax(Json& result, std::string_view text, bool prune)
      : dom_(result, /*allow_exceptions=*/false), text_(text), prune_(prune) {}

  bool null() { return skipping_ > 0 || dom_.null(); }
  bool boolean(bool value) { return skipping_ > 0 || dom_.boolean(value); }
  bool number_integer(Int value) { return skipping_ > 0 || dom_.number_integer(value); }
  bool number_unsigned(Unsigned value) { return skipping_ > 0 || dom_.number_unsigned(value); }
  bool number_float(Float value, const String& text) {
    return skipping_ > 0 || dom_.number_float(value, text);
  }
  bool string(String& value) { return skipping_ > 0 || dom_.string(value); }
  bool binary(Binary& value) { return skipping_ > 0 || dom_.binary(value); }
  bool start_object(std::size_t size) {
    return Open() && (skipping_ > 0 || dom_.start_object(size));
  }
  bool start_array(std::size_t size) { return Open() && (skipping_ > 0 || dom_.start_array(size)); }
  bool key(String& value) {
    if (skipping_ > 0) return true;
    if (depth_ == 1) top_key_ = value;
    return dom_.key(value);
  }
  bool end_object() { return Close() || dom_.end_object(); }
  bool end_array() { return Close() || dom_.end_array(); }

  template <class Exception>
  bool parse_error(std::size_t position, const std::string& last_token, const Exception& ex) {
    if (ex.id == 406) {  // out_of_range.406: a number that is not finite as a double
      refusal_.kind = JsonRefusal::Kind::kNumber;
      refusal_.what = "the number " + last_token + " is out of range";
      const size_t start = position >= last_token.size() ? position - last_token.size() : 0;
      std::tie(refusal_.line, refusal_.column) = LineColumn(text_, start);
    } else {
      refusal_ = SyntaxRefusal(ex.what());
    }
    failed_ = true;
    return false;
  }

  bool failed() const { return failed_; }
  const JsonRefusal& refusal() const { return refusal_; }
  const std::optional<JsonRefusal>& pruned() const { return pruned_; }
  std::vector<std::string>& pruned_keys() { return pruned_keys_; }

 private:
  // Whether to go on, after counting one more level (or skipping it).
  bool Open() {
    if (skipping_ > 0) {
      ++skipping_;
      return true;
    }
    if (depth_ < kMaxJsonDepth) {
      ++depth_;
      return true;
    }
    if (!prune_) {
      refusal_ = TooDeepAt(text_);
      failed_ = true;
      return false;
    }
    if (!pruned_) pruned_ = TooDeepAt(text_);
    if (pruned_keys_.empty() || pruned_keys_.back() != top_key_) pruned_keys_.push_back(top_key_);
    skipping_ = 1;
    return true;
  }
  // True when the level closed was skipped (nothing to forward).
  bool Close() {
    if (skipping_ > 0) {
      --skipping_;
      return true;
    }
    --depth_;
    return false;
  }

  nlohmann::detail::json_sax_dom_parser<Json> dom_;
  std::string_view text_;
  bool prune_;
  int depth_ = 0;
  int skipping_ = 0;  // levels of a too-deep part being skipped (pruning)
  std::string top_key_;
  bool failed_ = false;
  JsonRefusal refusal_;
  std::optional<JsonRefusal> pruned_;
  std::vector<std::string> pruned_keys_;
};

}  // namespace

std::string JsonRefusal::Text() const {
  const std::string at = "line " + std::to_string(line) + ", column " + std::to_string(column);
  if (kind == Kind::kSyntax) return "parse error at " + at + ": " + what;
  return what + " at " + at;
}

template <class Json>
std::optional<Json> ParseBoundedJson(std::string_view text, JsonRefusal* refusal) {
  Json result;
  BoundedSax<Json> sax(result, text, /*prune=*/false);
  Json::sax_parse(text.begin(), text.end(), &sax);
  if (sax.failed()) {
    if (refusal != nullptr) *refusal = sax.refusal();
    return std::nullopt;
  }
  return result;
}

std::optional<PrunedJson> ParsePrunedJson(std::string_view text, JsonRefusal* refusal) {
  PrunedJson out;
  BoundedSax<nlohmann::ordered_json> sax(out.value, text, /*prune=*/true);
  nlohmann::ordered_json::sax_parse(text.begin(), text.end(), &sax);
  if (sax.failed()) {
    if (refusal != nullptr) *refusal = sax.refusal();
    return std::nullopt;
  }
  out.too_deep = sax.pruned();
  out.pruned_keys = std::move(sax.pruned_keys());
  return out;
}

template <class Json>
Result<Json> ParseJsonAt(std::string_view text, const SourceLocation& start) {
  JsonRefusal refusal;
  std::optional<Json> parsed = ParseBoundedJson<Json>(text, &refusal);
  if (parsed) return std::move(*parsed);
  SourceLocation where = start;
  if (refusal.line > 0) {
    where.line = start.line + refusal.line - 1;
    where.column = refusal.column;
  }
  std::string message;
  switch (refusal.kind) {
    case JsonRefusal::Kind::kSyntax:
      message = "not valid JSON: " + refusal.what;
      break;
    case JsonRefusal::Kind::kTooDeep:
      message = "JSON " + refusal.what;
      break;
    case JsonRefusal::Kind::kNumber:
      message = refusal.what;
      break;
  }
  return MakeError(std::move(message), "", where);
}

std::string JsonKindName(const nlohmann::ordered_json& value) {
  if (value.is_object()) return "an object";
  if (value.is_array()) return "an array";
  if (value.is_string()) return "a string";
  if (value.is_number()) return "a number";
  if (value.is_boolean()) return "true or false";
  return "null";
}

template std::optional<nlohmann::json> ParseBoundedJson(std::string_view, JsonRefusal*);
template std::optional<nlohmann::ordered_json> ParseBoundedJson(std::string_view, JsonRefusal*);
template Result<nlohmann::json> ParseJsonAt(std::string_view, const SourceLocation&);
template Result<nlohmann::ordered_json> ParseJsonAt(std::string_view, const SourceLocation&);

std::optional<JsonShapeLimit> FirstPastLimits(std::string_view text, int max_depth,
                                              size_t max_values) {
  int depth = 0;
  size_t values = 1;
  bool in_string = false, escaped = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      ++values;
      if (++depth > max_depth) return JsonShapeLimit{i, true};
    } else if (c == ']' || c == '}') {
      --depth;
    } else if (c == ',') {
      ++values;
    }
    if (values > max_values) return JsonShapeLimit{i, false};
  }
  return std::nullopt;
}

}  // namespace taskcost
