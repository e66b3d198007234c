// Fast JSON reading for text read once per attempt on the run loop's thread (the usage object
// embedded in each journal line, the answer the schema and scorers judge): simdjson does the
// work, with exactly nlohmann's verdicts and values. Also what every bounded JSON read shares
// (json_parse.h): the depth limit and the refusal. Pure; safe to call from any thread (each
// thread parses with simdjson parsers of its own).
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

namespace taskcost {

/// How deeply JSON read from outside may nest objects and arrays: the root container is at
/// depth 1 ("[[1]]" has depth 2). Deeper text is refused (docs/providers.md, "Limits"), so every
/// recursive walk over a parsed tree (dump, copy, comparison, scorers, report writers) stays
/// within a few hundred frames.
inline constexpr int kMaxJsonDepth = 256;

/// Why a text is not a JSON value taskcost reads, and where (line and column 1-based, counted in
/// bytes from the start of the text; 0 when unknown).
struct JsonRefusal {
  enum class Kind {
    kSyntax,   // not JSON: what nlohmann's parser said
    kTooDeep,  // objects and arrays nested deeper than kMaxJsonDepth
    kNumber,   // a number beyond a double's range (1e999)
  };
  Kind kind = Kind::kSyntax;
  /// "syntax error while parsing value - invalid literal; last read: 'x'",
  /// "nested deeper than 256 levels", "the number 1e999 is out of range".
  std::string what;
  int line = 0;
  int column = 0;

  /// "parse error at line 1, column 3: <what>" for a syntax error (nlohmann's own words, as
  /// json::parse_error says them without its "[json.exception...]" tag), else
  /// "<what> at line 1, column 3".
  std::string Text() const;
};

/// Whether `text` is one JSON value, exactly as nlohmann's parser (json::accept) judges it: a
/// check of syntax only, which builds no tree (deep nesting and 1e999 are JSON here, and refused
/// by ParseJsonFast). simdjson checks first, at a fraction of nlohmann's cost; it accepts no
/// text nlohmann refuses, and the texts it refuses that nlohmann reads (a byte order mark,
/// integers beyond 64 bits, deep nesting) go to nlohmann.
bool IsJsonText(std::string_view text);

/// `text` parsed exactly as nlohmann::json::parse(text, nullptr, false) parses it: the same
/// tree (the last of two equal keys, numbers of the same kind: unsigned for a non-negative
/// integer, integer for a negative one, float with a fraction or exponent), or a discarded value
/// when the text is not JSON or is refused: nested deeper than kMaxJsonDepth, or holding a
/// number no double holds (1e999), where nlohmann would throw. `*refusal` (when given) then
/// says why. simdjson reads the text; what it refuses goes to the bounded nlohmann parse
/// (json_parse.h), and so does text holding a "-0" number (nlohmann's integer 0, which simdjson
/// does not tell apart).
nlohmann::json ParseJsonFast(std::string_view text, JsonRefusal* refusal = nullptr);

}  // namespace taskcost
