// Result<T> and Error: how expected failures of input or environment travel (style.md, kind 1).
// A Result holds either a value or one or more Errors (a suite loader reports every problem it
// finds, not only the first). Plain value types; not synchronised.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace taskcost {

/// Where a problem sits in a user's file. line and column are 1-based; 0 means unknown.
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;
};

/// One user-facing problem: "suite.yaml:14:5: candidates[1].provider: unknown provider ...".
struct Error {
  std::string message;    // what is wrong, and a suggestion where one is obvious
  std::string path;       // field path such as "candidates[1].provider"; may be empty
  SourceLocation where;   // may be empty (file "")

  /// "file:line:col: path: message", omitting the parts that are unknown.
  std::string ToString() const;
};

Error MakeError(std::string message, std::string path = {}, SourceLocation where = {});

using Errors = std::vector<Error>;

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}                      // NOLINT: implicit by design
  Result(Error error) : state_(Errors{std::move(error)}) {}          // NOLINT
  Result(Errors errors) : state_(std::move(errors)) {                // NOLINT
    assert(!std::get<Errors>(state_).empty());
  }

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }

  const T& value() const& { assert(ok()); return std::get<T>(state_); }
  T& value() & { assert(ok()); return std::get<T>(state_); }
  T&& value() && { assert(ok()); return std::get<T>(std::move(state_)); }
  const T& operator*() const& { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

  /// The first error. Requires !ok().
  const Error& error() const { assert(!ok()); return std::get<Errors>(state_).front(); }
  /// Every error. Requires !ok().
  const Errors& errors() const { assert(!ok()); return std::get<Errors>(state_); }

 private:
  std::variant<T, Errors> state_;
};

/// Result<void>: success, or errors.
struct Ok {};
using Status = Result<Ok>;
inline Status OkStatus() { return Ok{}; }

/// Joins every error's ToString() with newlines.
std::string FormatErrors(const Errors& errors);

/// The candidate in `choices` closest to `word` by edit distance, if close enough to be a
/// plausible typo (ninja's SpellcheckString). Empty when nothing is close.
std::optional<std::string> ClosestMatch(const std::string& word,
                                        const std::vector<std::string>& choices);

}  // namespace taskcost
