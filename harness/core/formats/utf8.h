// Well-formed UTF-8 (Unicode, table 3-7): what every reader of user text and every JSON writer
// agrees a character is. No overlong forms, no surrogates, nothing past U+10FFFF. Pure.
#pragma once

#include <cstddef>
#include <string_view>

namespace taskcost {

/// The length of the well-formed UTF-8 sequence starting at text[i] (1 for ASCII, 2 to 4), or 0
/// when the bytes there are not one (a stray continuation byte, a cut sequence, an overlong
/// form, a surrogate, a code point past U+10FFFF). `i` must be < text.size().
size_t Utf8SequenceLength(std::string_view text, size_t i);

}  // namespace taskcost
