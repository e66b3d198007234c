#include "harness/core/formats/field_path.h"

namespace taskcost {

std::optional<size_t> StepIndex(std::string_view step) {
  if (step.empty() || step.size() > 9) return std::nullopt;
  size_t index = 0;
  for (char c : step) {
    if (c < '0' || c > '9') return std::nullopt;
    index = index * 10 + static_cast<size_t>(c - '0');
  }
  return index;
}

std::optional<std::vector<std::string>> SplitFieldPath(std::string_view path) {
  std::vector<std::string> steps;
  if (path.empty()) return steps;
  size_t pos = 0;
  bool after_index = false;  // "a[0]" may be followed by "." or "[" only
  while (pos < path.size()) {
    if (path[pos] == '[') {
      size_t close = path.find(']', pos);
      if (close == std::string_view::npos || steps.empty()) return std::nullopt;
      std::string_view index = path.substr(pos + 1, close - pos - 1);
      if (!StepIndex(index)) return std::nullopt;
      steps.emplace_back(index);
      pos = close + 1;
      after_index = true;
      continue;
    }
    if (after_index || !steps.empty()) {
      if (path[pos] != '.') return std::nullopt;
      ++pos;
    }
    size_t end = path.find_first_of(".[", pos);
    if (end == std::string_view::npos) end = path.size();
    if (end == pos) return std::nullopt;
    steps.emplace_back(path.substr(pos, end - pos));
    pos = end;
    after_index = false;
  }
  if (!path.empty() && path.back() == '.') return std::nullopt;
  return steps;
}

}  // namespace taskcost
