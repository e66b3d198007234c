#include "harness/core/formats/user_json.h"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "harness/core/formats/json_parse.h"
#include "harness/core/formats/user_files.h"

namespace taskcost {
namespace {

using Json = nlohmann::ordered_json;

struct Problem {
  size_t offset = 0;  // where it is; a number's first byte
  std::string message;
};

// A first, cheap pass over the bytes (json_parse.h FirstPastLimits): nesting past `max_depth`
// or more than kMaxUserJsonValues values would cost memory or stack in the parser and in
// everything that walks the tree after it.
std::optional<Problem> CheckShape(std::string_view text, int max_depth) {
  const std::optional<JsonShapeLimit> past = FirstPastLimits(text, max_depth, kMaxUserJsonValues);
  if (!past) return std::nullopt;
  return Problem{past->offset,
                 past->too_deep
                     ? "nested more than " + std::to_string(max_depth) + " levels deep"
                     : "holds more than " + std::to_string(kMaxUserJsonValues) + " values"};
}

// nlohmann's SAX events to an ordered_json tree, with a repeated key found by hash (the
// library's own builder searches an ordered object's keys one by one: quadratic in their count).
class TreeBuilder {
 public:
  bool null() { return Put(Json(nullptr)); }
  bool boolean(bool value) { return Put(Json(value)); }
  bool number_integer(Json::number_integer_t value) { return Put(Json(value)); }
  bool number_unsigned(Json::number_unsigned_t value) { return Put(Json(value)); }
  bool number_float(Json::number_float_t value, const std::string&) { return Put(Json(value)); }
  bool string(std::string& value) { return Put(Json(std::move(value))); }
  bool binary(Json::binary_t&) { return false; }  // never produced by the JSON text parser
  bool start_object(std::size_t) { return Open(Json::object()); }
  bool key(std::string& key) {
    key_ = std::move(key);
    return true;
  }
  bool end_object() { return Close(); }
  bool start_array(std::size_t) { return Open(Json::array()); }
  bool end_array() { return Close(); }
  bool parse_error(std::size_t position, const std::string& token,
                   const nlohmann::json::exception& e) {
    syntax_ = e.id != 406;  // 406: a number beyond a double; `position` is just after it
    error_ = syntax_ ? Problem{position, e.what()}
                     : Problem{position - std::min(position, token.size()),
                               "the number " + token + " is too large to hold"};
    return false;
  }

  Json& root() { return root_; }
  const std::optional<Problem>& error() const { return error_; }
  bool syntax() const { return syntax_; }

 private:
  struct Frame {
    Json* value;
    std::unordered_map<std::string, size_t> keys;  // objects: index of each key
  };

  Json* Place(Json value) {
    if (frames_.empty()) {
      root_ = std::move(value);
      return &root_;
    }
    Frame& top = frames_.back();
    if (top.value->is_array()) {
      top.value->get_ref<Json::array_t&>().push_back(std::move(value));
      return &top.value->get_ref<Json::array_t&>().back();
    }
    auto& object = top.value->get_ref<Json::object_t&>();
    auto [it, inserted] = top.keys.emplace(key_, object.size());
    if (!inserted) {
      Json& kept = (object.begin() + static_cast<std::ptrdiff_t>(it->second))->second;
      kept = std::move(value);
      return &kept;
    }
    object.emplace_back(std::move(key_), std::move(value));
    return &object.back().second;
  }
  bool Put(Json value) {
    Place(std::move(value));
    return true;
  }
  bool Open(Json value) {
    frames_.push_back(Frame{Place(std::move(value)), {}});
    return true;
  }
  bool Close() {
    frames_.pop_back();
    return true;
  }

  Json root_;
  std::vector<Frame> frames_;
  std::string key_;
  std::optional<Problem> error_;
  bool syntax_ = false;
};

// nlohmann's text: "[json.exception.parse_error.101] parse error at line 1, column 5: ..." to
// "not valid JSON: ..." at that line and column of the file.
Error SyntaxError(const std::string& what, const SourceLocation& start) {
  int line = 0, column = 0;
  const size_t at = what.find("at line ");
  if (at != std::string::npos)
    std::sscanf(what.c_str() + at, "at line %d, column %d", &line, &column);
  const size_t colon = what.find(": ", at == std::string::npos ? 0 : at);
  const std::string reason = colon == std::string::npos ? what : what.substr(colon + 2);
  SourceLocation where = start;
  if (line > 0 && start.line > 0) {
    where.line = start.line + line - 1;
    where.column = line == 1 && start.column > 0 ? start.column + column - 1 : column;
  }
  return MakeError("not valid JSON: " + reason, "", where);
}

}  // namespace

Result<Json> ParseUserJson(std::string_view text, const SourceLocation& start, int max_depth) {
  if (std::optional<Problem> shape = CheckShape(text, max_depth)) {
    return MakeError(shape->message, "", LocationAt(text, shape->offset, start));
  }
  TreeBuilder builder;
  const bool parsed = Json::sax_parse(text, &builder);
  if (builder.error()) {
    if (builder.syntax()) return SyntaxError(builder.error()->message, start);
    return MakeError(builder.error()->message, "",
                     LocationAt(text, builder.error()->offset, start));
  }
  if (!parsed) return MakeError("not valid JSON", "", start);
  return std::move(builder.root());
}

}  // namespace taskcost
