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

namespace taskcost::codec {

using Value = simdjson::dom::element;

/// Parses a reply body. Empty exactly when nlohmann's parser rejects the text. The value lives
/// in the calling thread's parser: valid until the next ParseReplyJson on the same thread.
/// Texts simdjson refuses but nlohmann reads (a byte order mark, integers beyond 64 bits, a
/// trailing NUL, deeper nesting than simdjson's default) go through nlohmann and are read as
/// nlohmann understood them.
std::optional<Value> ParseReplyJson(std::string_view text);

/// A null value: what At gives for a key that is not there.
Value NullValue();
/// obj[key] when obj is an object holding key (the last one, as nlohmann keeps, when the key
/// appears twice); else a null value.
Value At(Value obj, std::string_view key);
/// obj[key] as a token count: a non-negative integer; 0 when obj is not an object, the key is
/// absent, null, negative or not a number. Above INT64_MAX: INT64_MAX; a fraction is cut.
int64_t CountAt(Value obj, std::string_view key);
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
