// Private to harness/providers: reading a provider's reply body with simdjson, with exactly the
// meaning nlohmann's ordered_json gave it before (what parses, which of two equal keys counts,
// how a value is dumped), so classification, usage and usage_raw are unchanged. A reply is read
// once per attempt on the run loop's thread; a full nlohmann tree cost about 80k instructions,
// simdjson's DOM a small fraction of that. Includes simdjson.h, so only the codecs' .cc files
// may include it. Thread-safe: each thread parses with a parser of its own.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/core/formats/json_check.h"

namespace taskcost::codec {

using Value = simdjson::dom::element;

/// A reply body as read.
struct ReplyBody {
  /// The body; unset when it is not JSON or holds a number no double holds (1e999).
  std::optional<Value> value;
  /// Why `value` is unset; or, with a value, where the first part nested deeper than
  /// kMaxJsonDepth began: such parts are dropped from `value` (an object's member keeps its key
  /// with null, an array's element is left out), so the shallow parts (usage) stay readable.
  std::optional<JsonRefusal> refusal;
  /// The root object's keys whose values lost a too-deep part.
  std::vector<std::string> pruned_keys;

  bool Pruned() const { return value.has_value() && refusal.has_value(); }
  bool PrunedUnder(std::string_view key) const;
};

/// Parses a reply body: a value exactly when nlohmann's parser reads the text and no number in
/// it is beyond a double. The value lives in the calling thread's parser: valid until the next
/// ParseReplyJson on the same thread. Texts simdjson refuses but nlohmann reads (a byte order
/// mark, integers beyond 64 bits, a trailing NUL, nesting deeper than kMaxJsonDepth) go through
/// the bounded nlohmann parse (json_parse.h) and are read as nlohmann understood them, too-deep
/// parts dropped.
ReplyBody ParseReplyJson(std::string_view text);

/// A null value: what At gives for a key that is not there.
Value NullValue();
/// obj[key] when obj is an object holding key (the last one, as nlohmann keeps, when the key
/// appears twice); else a null value.
Value At(Value obj, std::string_view key);
/// obj[key] as a token count: 0 when obj is not an object or the key is absent or null; a
/// whole number from 0 to kMaxTokensPerCall (12 or 12.0) is itself. Anything else (negative,
/// fractional, above the bound, a string, ...) is implausible: 0, and `flag`, when still empty,
/// says so naming the count as `name`: "prompt_tokens -5 is negative".
int64_t CountAt(Value obj, std::string_view key, std::string_view name, std::string& flag);
/// obj[key] as a string; empty when absent or not a string.
std::string StringAt(Value obj, std::string_view key);
/// The string's text; empty when `value` is not a string.
std::string_view StringOf(Value value);
/// Compact JSON text of `value`, byte for byte what nlohmann's ordered_json dump gave for the
/// same text (a key that appears twice is written once, at its first place, with its last
/// value; numbers as nlohmann writes them).
std::string Dump(Value value);
/// Dump for an object, "" for anything else (usage_raw).
std::string UsageRaw(Value usage);

}  // namespace taskcost::codec
