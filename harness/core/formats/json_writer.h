// JsonWriter: writes compact JSON text straight into a string, without building a tree, for the
// hot paths that serialise one record per attempt (journal lines, request bodies). Its output is
// byte for byte what nlohmann's compact dump (ensure_ascii off, invalid UTF-8 replaced by U+FFFD)
// writes for the same values, so a format written either way reads and compares the same.
// Not synchronised; one writer per string.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace taskcost {

/// Appends `text` as a JSON string literal, quotes included: `"` and `\` escaped, control
/// characters as \b \f \n \r \t or \u00XX, other UTF-8 kept as is, invalid UTF-8 replaced by
/// U+FFFD (as nlohmann's dump with error_handler_t::replace does).
void AppendJsonString(std::string& out, std::string_view text);

/// A double as nlohmann writes it (shortest text that reads back the same value; "0.0" for an
/// integral value; null for NaN and infinities).
void AppendJsonDouble(std::string& out, double value);

/// Writes one JSON value (object or array) field by field, placing the commas:
///
///   std::string line;
///   JsonWriter w(line);
///   w.BeginObject();
///   w.String("sample", a.sample_id);
///   w.Int("repeat", a.repeat);
///   w.EndObject();
///
/// Inside an object every value has a key (the two-argument forms, or Key() then a value);
/// inside an array none has. The caller keeps the structure well formed (every Begin closed);
/// the writer only places the commas.
class JsonWriter {
 public:
  /// Appends to `out`, which must outlive the writer.
  explicit JsonWriter(std::string& out) : out_(out) {}

  void BeginObject() { Open('{'); }
  void EndObject() { Close('}'); }
  void BeginArray() { Open('['); }
  void EndArray() { Close(']'); }
  void Key(std::string_view key);

  void String(std::string_view value);
  void Int(int64_t value);
  void Double(double value);
  void Bool(bool value);
  void Null();
  /// Already serialised, valid JSON (the caller's promise), copied as is.
  void Raw(std::string_view json);

  // The same, as a member of the enclosing object.
  void BeginObject(std::string_view key);
  void BeginArray(std::string_view key);
  void String(std::string_view key, std::string_view value);
  void Int(std::string_view key, int64_t value);
  void Double(std::string_view key, double value);
  void Bool(std::string_view key, bool value);
  void Null(std::string_view key);
  void Raw(std::string_view key, std::string_view json);

 private:
  void Open(char bracket);
  void Close(char bracket);
  void BeforeValue();

  std::string& out_;
  bool need_comma_ = false;  // a value was written at this level: the next one needs a comma
  bool after_key_ = false;   // a key was written: its value needs no comma
};

}  // namespace taskcost
