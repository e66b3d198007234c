// Wording shared by the configuration loaders' error messages: how a user's value is quoted and
// how a "did you mean" suggestion reads. Pure functions; safe to call from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace taskcost {

/// A user's value as an error message shows it: in double quotes, with quotes, backslashes and
/// control characters escaped, cut to 60 characters with "..." when longer.
std::string Quoted(std::string_view text);

/// ", did you mean \"openai\"?" when `word` is a plausible typo of one of `choices` (a few
/// edits, two swapped neighbours, or another letter case), else "".
std::string DidYouMean(const std::string& word, const std::vector<std::string>& choices);

/// "a, b, c".
std::string JoinNames(const std::vector<std::string>& names);

}  // namespace taskcost
