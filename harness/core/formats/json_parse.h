// Reading JSON text from outside (a user's file, a journal line, a provider's reply, a model's
// answer) into nlohmann's trees, bounded: nesting deeper than kMaxJsonDepth and numbers no double
// can hold (1e999) are refused at their line and column, so no recursive walk over the tree
// (dump, copy, compare, the scorers) can run out of stack and no conversion throws. Internal to
// the modules that include nlohmann/json. Pure; safe to call from any thread.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/core/formats/json_check.h"
#include "harness/core/model/result.h"

namespace taskcost {

/// `text` parsed into `Json` (nlohmann::json or nlohmann::ordered_json) exactly as Json::parse
/// parses it, or, when that would fail or the text is refused, nothing and `*refusal` (when
/// given) says why and where.
template <class Json>
std::optional<Json> ParseBoundedJson(std::string_view text, JsonRefusal* refusal);

/// A provider reply's body: parsed as ParseBoundedJson does, except that parts nested deeper than
/// kMaxJsonDepth are dropped instead of refusing the text (an object's member keeps its key with
/// null, an array's element is left out), so the shallow parts, the usage, can still be read.
struct PrunedJson {
  nlohmann::ordered_json value;
  std::optional<JsonRefusal> too_deep;  // where the first dropped part began; unset when none
  /// The root object's keys whose values lost a part ("" for a root that is not an object).
  std::vector<std::string> pruned_keys;
};
std::optional<PrunedJson> ParsePrunedJson(std::string_view text, JsonRefusal* refusal);

/// Parses `text`, which starts at `start` in its file (line 1 for a whole file, line N for
/// line N of a JSONL file), with ParseBoundedJson. Failure at the refusal's place:
/// "file:line:col: not valid JSON: <what the parser said>", "...: JSON nested deeper than 256
/// levels", "...: the number 1e999 is out of range".
template <class Json = nlohmann::ordered_json>
Result<Json> ParseJsonAt(std::string_view text, const SourceLocation& start);

/// "an object", "an array", "a string", "a number", "true or false", "null".
std::string JsonKindName(const nlohmann::ordered_json& value);

/// Where a cheap pass over JSON text's bytes (strings skipped) first passes a limit: the offset of
/// the first '[' or '{' nested deeper than `max_depth` (too_deep), or of the byte at which the
/// count of values passes `max_values` (each '[', '{' and ',' outside strings starts one).
struct JsonShapeLimit {
  size_t offset = 0;
  bool too_deep = false;
};
std::optional<JsonShapeLimit> FirstPastLimits(std::string_view text, int max_depth,
                                              size_t max_values);

extern template std::optional<nlohmann::json> ParseBoundedJson(std::string_view, JsonRefusal*);
extern template std::optional<nlohmann::ordered_json> ParseBoundedJson(std::string_view,
                                                                       JsonRefusal*);
extern template Result<nlohmann::json> ParseJsonAt(std::string_view, const SourceLocation&);
extern template Result<nlohmann::ordered_json> ParseJsonAt(std::string_view, const SourceLocation&);

}  // namespace taskcost
