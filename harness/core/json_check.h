// Fast JSON reading for text read once per attempt on the run loop's thread (the usage object
// embedded in each journal line, the answer the schema and scorers judge): simdjson does the
// work, with exactly nlohmann's verdicts and values. Pure; safe to call from any thread (each
// thread parses with simdjson parsers of its own).
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string_view>

namespace taskcost {

/// Whether `text` is one JSON value, exactly as nlohmann's parser (json::accept) judges it.
/// simdjson checks first, at a fraction of nlohmann's cost; it accepts no text nlohmann refuses,
/// and the texts it refuses that nlohmann reads (a byte order mark, integers beyond 64 bits,
/// very deep nesting) go to nlohmann.
bool IsJsonText(std::string_view text);

/// `text` parsed exactly as nlohmann::json::parse(text, nullptr, false) parses it: the same
/// tree (the last of two equal keys, numbers of the same kind: unsigned for a non-negative
/// integer, integer for a negative one, float with a fraction or exponent), or a discarded value
/// when the text is not JSON. simdjson reads the text; what it refuses goes to nlohmann, and so
/// does text holding a "-0" number (nlohmann's integer 0, which simdjson does not tell apart).
nlohmann::json ParseJsonFast(std::string_view text);

}  // namespace taskcost
