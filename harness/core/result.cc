#include "harness/core/result.h"

#include <algorithm>

namespace taskcost {

std::string Error::ToString() const {
  std::string out;
  if (!where.file.empty()) {
    out += where.file;
    if (where.line > 0) {
      out += ":" + std::to_string(where.line);
      if (where.column > 0) out += ":" + std::to_string(where.column);
    }
    out += ": ";
  }
  if (!path.empty()) out += path + ": ";
  out += message;
  return out;
}

Error MakeError(std::string message, std::string path, SourceLocation where) {
  return Error{std::move(message), std::move(path), std::move(where)};
}

std::string FormatErrors(const Errors& errors) {
  std::string out;
  for (const Error& e : errors) {
    if (!out.empty()) out += '\n';
    out += e.ToString();
  }
  return out;
}

namespace {
size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      size_t substitute = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, substitute});
      diagonal = above;
    }
  }
  return row[b.size()];
}
}  // namespace

std::optional<std::string> ClosestMatch(const std::string& word,
                                        const std::vector<std::string>& choices) {
  const size_t max_distance = std::max<size_t>(1, std::min<size_t>(3, word.size() / 3));
  std::optional<std::string> best;
  size_t best_distance = max_distance + 1;
  for (const std::string& choice : choices) {
    size_t d = EditDistance(word, choice);
    if (d < best_distance) {
      best_distance = d;
      best = choice;
    }
  }
  return best;
}

}  // namespace taskcost
