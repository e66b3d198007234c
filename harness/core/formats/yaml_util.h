// Reading user-written YAML with located errors: every problem becomes an Error naming
// file:line:col (1-based, from yaml-cpp's 0-based Mark) and the field path, and all problems
// are collected rather than stopping at the first. Internal to core's loaders (it includes
// yaml-cpp). A YamlReader is not synchronised.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/core/model/money.h"
#include "harness/core/model/result.h"

namespace taskcost {

/// "candidates[1]" + "provider" -> "candidates[1].provider"; "" + "suite" -> "suite".
std::string FieldPath(const std::string& parent, const std::string& key);
/// "policy.retry_on" + 2 -> "policy.retry_on[2]".
std::string IndexPath(const std::string& parent, size_t index);

/// The deepest nesting of mappings and lists a YAML file may have.
inline constexpr int kMaxYamlDepth = 64;
/// The most values (scalars, lists, mappings, keys included) a YAML file may hold, counting an
/// alias's value again at each use: a bound on memory and on every walk over the tree.
inline constexpr size_t kMaxYamlValues = 100'000;

/// Parses YAML text (yaml_parse.cc). Errors, each at file:line:col: a NUL byte, a control
/// character or bytes that are not UTF-8; a second document; nesting deeper than kMaxYamlDepth;
/// more than kMaxYamlValues values; an alias inside the value it names; a syntax error (yaml-cpp's
/// message, pointed at the bracket never closed or at the line missing its colon when yaml-cpp
/// stopped later). An empty document parses to a null node.
Result<YAML::Node> ParseYaml(const std::string& text, const std::string& file);

/// Any yaml-cpp exception as an Error at its mark in `file` (the loaders' last-resort boundary).
Error LibraryError(const YAML::Exception& e, const std::string& file);

/// A node with its field path and the place errors about it should point at.
struct YamlField {
  YAML::Node node;           // the value; meaningless when !present
  std::string path;          // "candidates[1].provider"; "" for the document root
  std::string key;           // the last key ("provider"); "" for list items and the root
  std::string parent_path;   // "candidates[1]"
  SourceLocation where;      // the value; the key when the value is empty; the parent if absent
  SourceLocation key_where;  // the key (the item for list items); where missing keys are named
  bool present = false;      // false when the key is absent (then `node` is meaningless)
};

/// Reads fields of one YAML file, recording an Error for every problem it meets. Each typed
/// read returns nullopt when the field is absent (no error) or has the wrong type (one error,
/// e.g. `expected a number, got "abc"`).
class YamlReader {
 public:
  explicit YamlReader(std::string file) : file_(std::move(file)) {}

  const std::string& file() const { return file_; }
  YamlField Root(const YAML::Node& document) const;
  /// The value under `key`, absent when `map` is absent, not a mapping, or lacks the key.
  YamlField Child(const YamlField& map, const std::string& key) const;

  /// Records "expected a mapping, got ..." unless the field is a mapping.
  bool IsMap(const YamlField& field);
  bool IsList(const YamlField& field);
  /// The items of a list (error unless a list).
  std::vector<YamlField> Items(const YamlField& list);
  /// The values of a mapping in file order, each with its key; duplicate and non-scalar keys
  /// are errors and skipped.
  std::vector<YamlField> Entries(const YamlField& map);
  /// Unknown keys (with "did you mean") and duplicate keys of a mapping with fixed keys.
  void CheckKeys(const YamlField& map, const std::vector<std::string>& known);
  /// Records `missing required key "user"` at the parent's key when the field is absent.
  bool Require(const YamlField& field);

  std::optional<std::string> String(const YamlField& field);
  std::optional<bool> Bool(const YamlField& field);
  /// An integer in [min, max], e.g. "must be between 1 and 20, got 25".
  std::optional<int64_t> Integer(const YamlField& field, int64_t min, int64_t max);
  /// A non-negative decimal parsed exactly from the scalar's text into 1/10^scale units:
  /// "0.2" at scale 6 -> 200000.
  std::optional<int64_t> Decimal(const YamlField& field, int scale);
  /// A non-negative USD amount parsed exactly from the scalar's text (Money::ParseUsd).
  std::optional<Money> Usd(const YamlField& field);
  /// Any node as compact JSON text. Plain scalars keep their YAML 1.2 type (0 -> 0,
  /// 0.2 -> 0.2, true -> true, ~ -> null); quoted scalars are strings; key order is kept.
  std::optional<std::string> JsonText(const YamlField& field);

  /// Records an error at the field: "file:line:col: path: message".
  void Fail(const YamlField& at, std::string message);
  void Add(Error error) { errors_.push_back(std::move(error)); }
  bool ok() const { return errors_.empty(); }
  const Errors& errors() const { return errors_; }
  /// 1-based position of a node in this file; line 0 when unknown.
  SourceLocation Where(const YAML::Node& node) const;

 private:
  std::optional<std::string> Scalar(const YamlField& field, const char* expected);
  /// Entries, also reporting keys outside `known` when it is given.
  std::vector<YamlField> CheckedEntries(const YamlField& map,
                                        const std::vector<std::string>* known);

  std::string file_;
  Errors errors_;
};

/// Parses a whole YAML file whose top is a mapping with only `top_keys`, and hands the reader
/// and the root to `read(YamlReader&, const YamlField&)`. Returns every error recorded, or Ok.
/// yaml-cpp exceptions are caught here and become errors.
template <class ReadRoot>
Status ReadYamlDocument(const std::string& text, const std::string& file,
                        const std::vector<std::string>& top_keys, ReadRoot read) {
  try {
    Result<YAML::Node> document = ParseYaml(text, file);
    if (!document.ok()) return document.errors();
    YamlReader reader(file);
    YamlField root = reader.Root(document.value());
    if (reader.IsMap(root)) {
      reader.CheckKeys(root, top_keys);
      read(reader, root);
    }
    if (!reader.ok()) return reader.errors();
    return OkStatus();
  } catch (const YAML::Exception& e) {
    return LibraryError(e, file);
  }
}

}  // namespace taskcost
