#include "harness/core/formats/error_text.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "harness/core/model/result.h"

namespace taskcost {

std::string Quoted(std::string_view text) {
  constexpr size_t kMaxShown = 60;
  std::string out = "\"";
  size_t shown = 0;
  for (char c : text) {
    if (shown++ == kMaxShown) {
      out += "...";
      break;
    }
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\u%04x", static_cast<unsigned>(c));
      out += buffer;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

namespace {

// "modle" for "model": two neighbouring letters swapped, which plain edit distance counts as 2.
bool IsTransposition(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  size_t i = 0;
  while (i < a.size() && a[i] == b[i]) ++i;
  return i + 1 < a.size() && a[i] == b[i + 1] && a[i + 1] == b[i] &&
         a.compare(i + 2, std::string::npos, b, i + 2, std::string::npos) == 0;
}

bool EqualsIgnoringCase(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::optional<std::string> Suggestion(const std::string& word,
                                      const std::vector<std::string>& choices) {
  for (const std::string& choice : choices) {
    if (EqualsIgnoringCase(word, choice) || IsTransposition(word, choice)) return choice;
  }
  return ClosestMatch(word, choices);
}

}  // namespace

std::string DidYouMean(const std::string& word, const std::vector<std::string>& choices) {
  std::optional<std::string> match = Suggestion(word, choices);
  if (!match || *match == word) return "";
  return ", did you mean " + Quoted(*match) + "?";
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

}  // namespace taskcost
