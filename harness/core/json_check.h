// A fast test of whether a text is JSON, for text checked once per attempt on the run loop's
// thread (the usage object embedded in each journal line). Pure; safe to call from any thread
// (each thread checks with a simdjson parser of its own).
#pragma once

#include <string_view>

namespace taskcost {

/// Whether `text` is one JSON value, exactly as nlohmann's parser (json::accept) judges it.
/// simdjson checks first, at a fraction of nlohmann's cost; it accepts no text nlohmann refuses,
/// and the texts it refuses that nlohmann reads (a byte order mark, integers beyond 64 bits,
/// very deep nesting) go to nlohmann.
bool IsJsonText(std::string_view text);

}  // namespace taskcost
