#include "harness/providers/reply_json.h"

#include <algorithm>
#include <charconv>
#include <new>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "harness/core/model/attempt.h"
#include "harness/core/formats/json_parse.h"
#include "harness/core/formats/json_writer.h"
#include "harness/providers/codec_util.h"

namespace taskcost::codec {
namespace {

// simdjson reads its input up to SIMDJSON_PADDING bytes past the end: the body is copied into a
// buffer that has them (a reply is a few KB; the copy is cheap next to the parse).
simdjson::simdjson_result<Value> ParsePadded(simdjson::dom::parser& parser, std::string& buffer,
                                             std::string_view text) {
  buffer.assign(text);
  buffer.resize(text.size() + simdjson::SIMDJSON_PADDING);
  return parser.parse(buffer.data(), text.size(), /*realloc_if_needed=*/false);
}

// A simdjson parser that refuses nesting deeper than `max_depth`.
simdjson::dom::parser NewParser(size_t max_depth) {
  simdjson::dom::parser parser;
  if (parser.allocate(4096, max_depth) != simdjson::SUCCESS) throw std::bad_alloc();
  return parser;
}

// What simdjson refused but nlohmann may read: nlohmann's tree, too-deep parts dropped, dumped
// and read again by simdjson (a dump has no byte order mark or trailing NUL, and integers beyond
// 64 bits are nlohmann's doubles by then). simdjson counts an object one level deeper than
// kMaxJsonDepth does, hence the rereading parser's one extra level.
ReplyBody ParseThroughNlohmann(std::string_view text) {
  ReplyBody body;
  JsonRefusal refusal;
  std::optional<PrunedJson> tree = ParsePrunedJson(text, &refusal);
  if (!tree) {
    body.refusal = std::move(refusal);
    return body;
  }
  thread_local simdjson::dom::parser parser = NewParser(kMaxJsonDepth + 1);
  thread_local std::string buffer;
  const std::string dumped =
      tree->value.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  simdjson::simdjson_result<Value> reread = ParsePadded(parser, buffer, dumped);
  if (reread.error() != simdjson::SUCCESS) {
    // nlohmann's own output is JSON; simdjson refusing it is a bug, not a provider's fault.
    throw std::logic_error(std::string("simdjson cannot read nlohmann's dump: ") +
                           simdjson::error_message(reread.error()));
  }
  body.value = reread.value_unsafe();
  body.refusal = std::move(tree->too_deep);
  body.pruned_keys = std::move(tree->pruned_keys);
  return body;
}

void AppendNumber(std::string& out, auto number) {
  char digits[24];
  const std::to_chars_result end = std::to_chars(digits, digits + sizeof digits, number);
  out.append(digits, end.ptr);
}

void AppendValue(std::string& out, Value value);

// nlohmann's ordered_json keeps a key that appears twice at its first place with its last value.
// Objects in replies are small: the repeats are found by comparing keys, without allocating.
void AppendObject(std::string& out, simdjson::dom::object object) {
  out += '{';
  bool first = true;
  for (auto field = object.begin(); field != object.end(); ++field) {
    const std::string_view key = field.key();
    bool seen = false;
    for (auto earlier = object.begin(); earlier != field && !seen; ++earlier) {
      seen = earlier.key() == key;
    }
    if (seen) continue;
    Value value = field.value();
    auto later = field;
    for (++later; later != object.end(); ++later) {
      if (later.key() == key) value = later.value();
    }
    if (!first) out += ',';
    first = false;
    AppendJsonString(out, key);
    out += ':';
    AppendValue(out, value);
  }
  out += '}';
}

void AppendValue(std::string& out, Value value) {
  switch (value.type()) {
    case simdjson::dom::element_type::OBJECT:
      AppendObject(out, value.get_object().value_unsafe());
      return;
    case simdjson::dom::element_type::ARRAY: {
      out += '[';
      bool first = true;
      const simdjson::dom::array items = value.get_array().value_unsafe();
      for (Value item : items) {
        if (!first) out += ',';
        first = false;
        AppendValue(out, item);
      }
      out += ']';
      return;
    }
    default:
      break;
  }
  // A scalar. The integer kinds are asked first: get(double) would convert them.
  std::string_view text;
  int64_t integer = 0;
  uint64_t large = 0;
  double number = 0;
  bool truth = false;
  if (value.get(text) == simdjson::SUCCESS) {
    AppendJsonString(out, text);
  } else if (value.get(integer) == simdjson::SUCCESS) {
    AppendNumber(out, integer);
  } else if (value.get(large) == simdjson::SUCCESS) {
    AppendNumber(out, large);
  } else if (value.get(number) == simdjson::SUCCESS) {
    AppendJsonDouble(out, number);
  } else if (value.get(truth) == simdjson::SUCCESS) {
    out += truth ? "true" : "false";
  } else {
    out += "null";
  }
}

}  // namespace

bool ReplyBody::PrunedUnder(std::string_view key) const {
  for (const std::string& pruned : pruned_keys) {
    if (pruned == key) return true;
  }
  return false;
}

ReplyBody ParseReplyJson(std::string_view text) {
  // Its own parser: the rereading one above must not overwrite a value read here.
  thread_local simdjson::dom::parser parser = NewParser(kMaxJsonDepth);
  thread_local std::string buffer;
  simdjson::simdjson_result<Value> parsed = ParsePadded(parser, buffer, text);
  if (parsed.error() == simdjson::SUCCESS) return ReplyBody{parsed.value_unsafe(), {}, {}};
  return ParseThroughNlohmann(text);
}

Value NullValue() {
  // Never destroyed, so the value stays valid in threads that outlive static destruction.
  static simdjson::dom::parser* parser = new simdjson::dom::parser();
  static const Value null = [] {
    static const simdjson::padded_string text(std::string_view("null"));
    return parser->parse(text).value();
  }();
  return null;
}

Value At(Value obj, std::string_view key) {
  simdjson::dom::object object;
  if (obj.get_object().get(object) != simdjson::SUCCESS) return NullValue();
  std::optional<Value> found;
  for (simdjson::dom::key_value_pair field : object) {
    if (field.key == key) found = field.value;
  }
  return found ? *found : NullValue();
}

namespace {

// Why a number is not a count, or "" when it is one; `count` is set to it.
std::string NotACount(Value value, int64_t& count) {
  int64_t integer = 0;
  uint64_t large = 0;
  double number = 0;
  if (value.get(integer) == simdjson::SUCCESS) {
    if (integer < 0) return "is negative";
    if (integer > kMaxTokensPerCall) return "is above the per-call bound";
    count = integer;
    return "";
  }
  if (value.get(large) == simdjson::SUCCESS) return "is above the per-call bound";
  if (value.get(number) != simdjson::SUCCESS) return "is not a number";
  if (number < 0) return "is negative";
  if (number > static_cast<double>(kMaxTokensPerCall)) return "is above the per-call bound";
  if (number != static_cast<double>(static_cast<int64_t>(number))) return "is not a whole number";
  count = static_cast<int64_t>(number);
  return "";
}

}  // namespace

int64_t CountAt(Value obj, std::string_view key, std::string_view name, std::string& flag) {
  const Value value = At(obj, key);
  if (value.is_null()) return 0;
  int64_t count = 0;
  const std::string why = NotACount(value, count);
  if (why.empty()) return count;
  if (flag.empty()) {
    flag = std::string(name) + " " + Truncate(Dump(value), 40) + " " + why;
    if (why == "is above the per-call bound") flag += " of " + std::to_string(kMaxTokensPerCall);
  }
  return 0;
}

std::string_view StringOf(Value value) {
  std::string_view text;
  return value.get_string().get(text) == simdjson::SUCCESS ? text : std::string_view();
}

std::string StringAt(Value obj, std::string_view key) {
  return std::string(StringOf(At(obj, key)));
}

std::string Dump(Value value) {
  std::string out;
  AppendValue(out, value);
  return out;
}

std::string UsageRaw(Value usage) { return usage.is_object() ? Dump(usage) : std::string(); }

}  // namespace taskcost::codec
