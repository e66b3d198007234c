#include "harness/core/formats/json_check.h"

#include <simdjson.h>

#include <new>
#include <nlohmann/json.hpp>
#include <string>

#include "harness/core/formats/json_parse.h"

namespace taskcost {
namespace {

// The text parsed by this thread's simdjson parser (which reads up to SIMDJSON_PADDING bytes
// past the end, so the text is copied into a buffer that has them); valid until the next call.
// The parser refuses nesting deeper than kMaxJsonDepth (and an object at that depth, which
// simdjson counts one deeper): such text goes to the bounded nlohmann parse, which decides.
simdjson::simdjson_result<simdjson::dom::element> ParseHere(std::string_view text) {
  thread_local simdjson::dom::parser parser = [] {
    simdjson::dom::parser bounded;
    if (bounded.allocate(4096, kMaxJsonDepth) != simdjson::SUCCESS) throw std::bad_alloc();
    return bounded;
  }();
  thread_local std::string padded;
  padded.assign(text);
  padded.resize(text.size() + simdjson::SIMDJSON_PADDING);
  return parser.parse(padded.data(), text.size(), /*realloc_if_needed=*/false);
}

// Whether the text holds the number -0 (a '-', a '0', then no digit, '.', 'e' or 'E'), which
// nlohmann reads as the integer 0 but simdjson as a 64-bit integer like any other. Inside a
// string (a date, "2024-01-05") the '0' is followed by a digit and does not count.
bool HasMinusZero(std::string_view text) {
  for (size_t at = text.find("-0"); at != std::string_view::npos; at = text.find("-0", at + 1)) {
    const char next = at + 2 < text.size() ? text[at + 2] : ' ';
    const bool continues =
        (next >= '0' && next <= '9') || next == '.' || next == 'e' || next == 'E';
    if (!continues) return true;
  }
  return false;
}

nlohmann::json ToNlohmann(simdjson::dom::element value) {
  switch (value.type()) {
    case simdjson::dom::element_type::OBJECT: {
      nlohmann::json object = nlohmann::json::object();
      const simdjson::dom::object fields = value.get_object().value_unsafe();
      for (simdjson::dom::key_value_pair field : fields) {
        object[std::string(field.key)] = ToNlohmann(field.value);  // the last equal key wins
      }
      return object;
    }
    case simdjson::dom::element_type::ARRAY: {
      nlohmann::json array = nlohmann::json::array();
      const simdjson::dom::array items = value.get_array().value_unsafe();
      for (simdjson::dom::element item : items) array.push_back(ToNlohmann(item));
      return array;
    }
    case simdjson::dom::element_type::STRING:
      return std::string(value.get_string().value_unsafe());
    case simdjson::dom::element_type::INT64: {
      const int64_t number = value.get_int64().value_unsafe();
      if (number >= 0) return static_cast<uint64_t>(number);  // nlohmann: unsigned
      return number;
    }
    case simdjson::dom::element_type::UINT64:
      return value.get_uint64().value_unsafe();
    case simdjson::dom::element_type::DOUBLE:
      return value.get_double().value_unsafe();
    case simdjson::dom::element_type::BOOL:
      return value.get_bool().value_unsafe();
    case simdjson::dom::element_type::NULL_VALUE:
      return nullptr;
  }
  return nullptr;
}

}  // namespace

bool IsJsonText(std::string_view text) {
  if (ParseHere(text).error() == simdjson::SUCCESS) return true;
  return nlohmann::json::accept(text);
}

nlohmann::json ParseJsonFast(std::string_view text, JsonRefusal* refusal) {
  simdjson::simdjson_result<simdjson::dom::element> parsed = ParseHere(text);
  if (parsed.error() != simdjson::SUCCESS || HasMinusZero(text)) {
    std::optional<nlohmann::json> bounded = ParseBoundedJson<nlohmann::json>(text, refusal);
    return bounded ? std::move(*bounded) : nlohmann::json(nlohmann::json::value_t::discarded);
  }
  return ToNlohmann(parsed.value_unsafe());
}

}  // namespace taskcost
