#include "harness/mock/schema_answer.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace taskcost::mock {
namespace {

constexpr int kMaxDepth = 16;

constexpr const char* kWords[] = {
    "customer", "reports",  "order",   "account",  "payment", "issue",    "request",      "needs",
    "review",   "delivery", "refund",  "login",    "error",   "billing",  "charge",       "package",
    "late",     "update",   "support", "ticket",   "invoice", "shipping", "return",       "item",
    "missing",  "access",   "reset",   "password", "card",    "declined", "damaged",      "replace",
    "status",   "tracking", "confirm", "address",  "change",  "cancel",   "subscription", "plan",
    "upgrade",  "app",      "crash",   "slow",     "page",    "email",    "notice",       "asks",
    "about",    "with",     "after",   "before",   "since",   "today",    "again",        "still",
    "cannot",   "wants",    "clear",   "priority", "follow",  "up",       "team",         "checks"};
constexpr size_t kWordCount = sizeof(kWords) / sizeof(kWords[0]);

std::string TypeOf(const Json& s) {
  if (auto t = s.find("type"); t != s.end()) {
    if (t->is_string()) return t->get<std::string>();
    if (t->is_array()) {
      for (const Json& each : *t) {
        if (each.is_string() && each.get<std::string>() != "null") return each.get<std::string>();
      }
      return "null";
    }
  }
  if (s.contains("properties")) return "object";
  if (s.contains("items")) return "array";
  return "string";
}

bool Equal(const Json& a, const Json& b) { return a == b; }

/// Walks a schema and writes a conforming value; counts free-text words as it goes.
class Generator {
 public:
  Generator(const Json& root, const AnswerInputs& in) : root_(root), in_(in) {}

  Json Value(const Json& schema, const std::string& path, int depth) {
    const Json& s = Resolve(schema, depth);
    if (!s.is_object() || depth > kMaxDepth) return Json("");
    if (in_.expected) {
      if (auto e = in_.expected->find(path); e != in_.expected->end()) {
        return Mapped(s, path, e->second, depth);
      }
    }
    return Free(s, path, depth);
  }

  Json Mapped(const Json& s, const std::string& path, const Json& expected, int depth) {
    if (in_.draws->Unit("correct:" + path) < in_.accuracy) return expected;
    std::vector<Json> choices;
    const Json* pool = nullptr;
    if (auto e = s.find("enum"); e != s.end() && e->is_array() && e->size() >= 2) {
      pool = &*e;
    }
    if (pool) {
      for (const Json& v : *pool) {
        if (!Equal(v, expected)) choices.push_back(v);
      }
    } else if (in_.alternatives) {
      if (auto a = in_.alternatives->find(path); a != in_.alternatives->end()) {
        for (const Json& v : a->second) {
          if (!Equal(v, expected)) choices.push_back(v);
        }
      }
    }
    if (!choices.empty()) {
      int64_t pick =
          in_.draws->Between("wrong:" + path, 0, static_cast<int64_t>(choices.size()) - 1);
      return choices[static_cast<size_t>(pick)];
    }
    return Perturb(s, path, expected, depth);
  }

  Json Free(const Json& s, const std::string& path, int depth) {
    if (auto c = s.find("const"); c != s.end()) return *c;
    if (auto e = s.find("enum"); e != s.end() && e->is_array() && !e->empty()) {
      return (*e)[static_cast<size_t>(
          in_.draws->Between("enum:" + path, 0, static_cast<int64_t>(e->size()) - 1))];
    }
    for (const char* branch : {"anyOf", "oneOf"}) {
      if (auto b = s.find(branch); b != s.end() && b->is_array() && !b->empty()) {
        return Value(FirstNonNull(*b), path, depth + 1);
      }
    }
    if (auto all = s.find("allOf"); all != s.end() && all->is_array()) {
      return Value(Merge(*all, depth), path, depth + 1);
    }
    const std::string type = TypeOf(s);
    if (type == "object") return Object(s, path, depth);
    if (type == "array") return Array(s, path, depth);
    if (type == "integer") return Integer(s, path);
    if (type == "number") return Number(s, path);
    if (type == "boolean") return Json(in_.draws->Unit("bool:" + path) < 0.5);
    if (type == "null") return Json(nullptr);
    return String(s, path);
  }

  int64_t free_words() const { return free_words_; }

 private:
  const Json& Resolve(const Json& schema, int depth) {
    const Json* s = &schema;
    for (int hops = 0; hops < kMaxDepth && depth <= kMaxDepth; ++hops) {
      auto ref = s->is_object() ? s->find("$ref") : s->end();
      if (!s->is_object() || ref == s->end() || !ref->is_string()) break;
      std::string pointer = ref->get<std::string>();
      if (pointer.rfind("#", 0) != 0) break;
      try {
        s = &root_.at(Json::json_pointer(pointer.substr(1)));
      } catch (const Json::exception&) {
        break;
      }
    }
    return *s;
  }

  const Json& FirstNonNull(const Json& branches) {
    for (const Json& b : branches) {
      if (!(b.is_object() && b.value("type", Json()) == Json("null"))) return b;
    }
    return branches.front();
  }

  Json Merge(const Json& parts, int depth) {
    Json merged = Json::object();
    for (const Json& part : parts) {
      const Json& p = Resolve(part, depth);
      if (!p.is_object()) continue;
      for (auto it = p.begin(); it != p.end(); ++it) {
        if ((it.key() == "properties" || it.key() == "required") && merged.contains(it.key())) {
          if (it.value().is_object()) merged[it.key()].update(it.value());
          if (it.value().is_array()) {
            for (const Json& r : it.value()) merged[it.key()].push_back(r);
          }
        } else {
          merged[it.key()] = it.value();
        }
      }
    }
    return merged;
  }

  Json Object(const Json& s, const std::string& path, int depth) {
    Json out = Json::object();
    auto props = s.find("properties");
    if (props != s.end() && props->is_object()) {
      for (auto it = props->begin(); it != props->end(); ++it) {
        out[it.key()] = Value(it.value(), Child(path, it.key()), depth + 1);
      }
    }
    if (auto req = s.find("required"); req != s.end() && req->is_array()) {
      for (const Json& name : *req) {
        if (name.is_string() && !out.contains(name.get<std::string>())) {
          out[name.get<std::string>()] =
              Value(Json::object(), Child(path, name.get<std::string>()), depth + 1);
        }
      }
    }
    return out;
  }

  Json Array(const Json& s, const std::string& path, int depth) {
    int64_t lo = s.value("minItems", int64_t{0});
    int64_t hi = s.value("maxItems", std::max<int64_t>(lo, 1) + 2);
    lo = std::max<int64_t>(lo, std::min<int64_t>(1, hi));
    hi = std::max(lo, std::min(hi, lo + 2));
    int64_t n = in_.draws->Between("items:" + path, lo, hi);
    Json items = s.contains("items") ? Resolve(s.at("items"), depth) : Json::object();
    Json out = Json::array();
    auto e = items.is_object() ? items.find("enum") : items.end();
    if (s.value("uniqueItems", false) && items.is_object() && e != items.end() && e->is_array() &&
        !e->empty()) {
      size_t start = static_cast<size_t>(in_.draws->Bits("unique:" + path) % e->size());
      for (size_t i = 0; i < static_cast<size_t>(n) && i < e->size(); ++i) {
        out.push_back((*e)[(start + i) % e->size()]);
      }
      return out;
    }
    for (int64_t i = 0; i < n; ++i) {
      out.push_back(Value(items, path + "[" + std::to_string(i) + "]", depth + 1));
    }
    return out;
  }

  std::pair<double, double> Bounds(const Json& s, double width, double step) {
    auto num = [&](const char* key) -> std::optional<double> {
      auto it = s.find(key);
      if (it == s.end() || !it->is_number()) return std::nullopt;
      return it->get<double>();
    };
    std::optional<double> lo = num("minimum"), hi = num("maximum");
    if (auto x = num("exclusiveMinimum")) lo = *x + step;
    if (auto x = num("exclusiveMaximum")) hi = *x - step;
    double low = lo ? *lo : (hi ? *hi - width : 0);
    double high = hi ? *hi : low + width;
    return {low, std::max(low, high)};
  }

  Json Integer(const Json& s, const std::string& path) {
    auto [lo, hi] = Bounds(s, 100, 1);
    int64_t low = static_cast<int64_t>(std::ceil(lo)), high = static_cast<int64_t>(std::floor(hi));
    if (high < low) high = low;
    return Json(in_.draws->Between("int:" + path, low, high));
  }

  Json Number(const Json& s, const std::string& path) {
    auto [lo, hi] = Bounds(s, 100, 0.01);
    double v = std::round((lo + in_.draws->Unit("num:" + path) * (hi - lo)) * 100) / 100;
    return Json(std::clamp(v, lo, hi));
  }

  Json String(const Json& s, const std::string& path) {
    std::string format = s.value("format", std::string());
    std::string out = Formatted(format, path);
    if (out.empty()) {
      int64_t n = in_.draws->Between("words:" + path, in_.tokens->min_words, in_.tokens->max_words);
      out = Words(path, n);
    }
    size_t min_len = s.value("minLength", size_t{0});
    for (uint64_t i = 0; out.size() < min_len; ++i)
      out += (out.empty() ? "" : " ") + Word(path, 1000 + i);
    size_t max_len = s.value("maxLength", out.size());
    if (out.size() > max_len) out.resize(max_len);
    return Json(out);
  }

  std::string Formatted(const std::string& format, const std::string& path) {
    char buf[64];
    const Draws& d = *in_.draws;
    if (format == "date") {
      std::snprintf(buf, sizeof buf, "2025-%02d-%02d", int(d.Between("month:" + path, 1, 12)),
                    int(d.Between("day:" + path, 1, 28)));
    } else if (format == "date-time") {
      std::snprintf(buf, sizeof buf, "2025-%02d-%02dT%02d:%02d:00Z",
                    int(d.Between("month:" + path, 1, 12)), int(d.Between("day:" + path, 1, 28)),
                    int(d.Between("hour:" + path, 0, 23)), int(d.Between("minute:" + path, 0, 59)));
    } else if (format == "time") {
      std::snprintf(buf, sizeof buf, "%02d:%02d:00", int(d.Between("hour:" + path, 0, 23)),
                    int(d.Between("minute:" + path, 0, 59)));
    } else if (format == "email") {
      return Word(path, 0) + "." + Word(path, 1) + "@example.com";
    } else if (format == "uri" || format == "url") {
      return "https://example.com/" + Word(path, 0);
    } else if (format == "uuid") {
      uint64_t a = d.Bits("uuid:" + path, 0), b = d.Bits("uuid:" + path, 1);
      std::snprintf(buf, sizeof buf, "%08llx-%04llx-4%03llx-8%03llx-%012llx",
                    (unsigned long long)(a >> 32), (unsigned long long)((a >> 16) & 0xffff),
                    (unsigned long long)(a & 0xfff), (unsigned long long)(b >> 52),
                    (unsigned long long)(b & 0xffffffffffffULL));
    } else {
      return "";
    }
    return buf;
  }

  std::string Word(const std::string& path, uint64_t i) {
    return kWords[in_.draws->Bits("word:" + path, i) % kWordCount];
  }

  std::string Words(const std::string& path, int64_t n) {
    std::string out;
    for (int64_t i = 0; i < n; ++i) {
      if (i > 0) out += ' ';
      out += Word(path, static_cast<uint64_t>(i));
    }
    if (!out.empty()) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
    free_words_ += n;
    return out;
  }

  Json Perturb(const Json& s, const std::string& path, const Json& expected, int depth) {
    if (expected.is_boolean()) return Json(!expected.get<bool>());
    if (expected.is_number_integer()) {
      auto [lo, hi] = Bounds(s, 1e18, 1);
      int64_t v = expected.get<int64_t>();
      return Json(v + 1 <= hi ? v + 1 : (v - 1 >= lo ? v - 1 : v));
    }
    if (expected.is_number()) return Json(expected.get<double>() + 1);
    if (expected.is_string()) return Json("not " + expected.get<std::string>());
    return Free(s, path, depth);
  }

  static std::string Child(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }

  const Json& root_;
  const AnswerInputs& in_;
  int64_t free_words_ = 0;
};

}  // namespace

GeneratedAnswer GenerateAnswer(const Json& schema, const AnswerInputs& in) {
  Generator g(schema, in);
  Json value = g.Value(schema, "", 0);
  return {std::move(value), g.free_words()};
}

GeneratedAnswer GenerateGenericAnswer(const AnswerInputs& in) {
  Json schema = {{"type", "object"}, {"properties", Json::object()}};
  if (in.expected) {
    for (const auto& [field, value] : *in.expected) {
      if (field.find('.') == std::string::npos) schema["properties"][field] = Json::object();
    }
  }
  schema["properties"]["answer"] = {{"type", "string"}};
  return GenerateAnswer(schema, in);
}

void ViolateSchema(const Json& schema, Json& answer) {
  const Json empty = Json::object();
  const Json& props =
      schema.is_object() && schema.contains("properties") && schema.at("properties").is_object()
          ? schema.at("properties")
          : empty;
  if (!answer.is_object()) {
    answer = Json::array();
    return;
  }
  for (auto it = props.begin(); it != props.end(); ++it) {
    if (it.value().is_object() && it.value().contains("enum")) {
      answer[it.key()] = "unlisted_value";
      return;
    }
  }
  if (auto req = schema.find("required"); req != schema.end() && req->is_array()) {
    for (const Json& name : *req) {
      if (name.is_string() && answer.contains(name.get<std::string>())) {
        answer.erase(name.get<std::string>());
        return;
      }
    }
  }
  if (!props.empty()) {
    auto first = props.begin();
    bool is_string = first.value().is_object() && TypeOf(first.value()) == "string";
    answer[first.key()] = is_string ? Json(42) : Json("not the declared type");
    return;
  }
  answer = Json::array();
}

std::string BreakJson(const std::string& text, uint64_t variant) {
  const size_t close = text.find_last_of("}]");
  switch (variant % 3) {
    case 1:
      if (close != std::string::npos) return text.substr(0, close) + "," + text.substr(close);
      break;
    case 2:
      if (text.find('"') != std::string::npos) {
        std::string out = text;
        std::replace(out.begin(), out.end(), '"', '\'');
        return out;
      }
      break;
    default:
      break;
  }
  if (close != std::string::npos) return text.substr(0, close);
  return "{" + text;
}

std::string TruncateJson(const std::string& text) {
  return text.substr(0, std::max<size_t>(1, text.size() / 2));
}

namespace {
/// The end (one past '}') of the balanced object starting at `open`, or npos.
size_t MatchBrace(std::string_view text, size_t open) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = open; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{') {
      ++depth;
    } else if (c == '}' && --depth == 0) {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

bool LooksLikeSchema(const Json& j) {
  if (!j.is_object()) return false;
  if (j.contains("$schema")) return true;
  if (j.contains("properties") && j.at("properties").is_object()) return true;
  auto t = j.find("type");
  return t != j.end() && *t == Json("object");
}
}  // namespace

std::optional<Json> FindEmbeddedSchema(std::string_view text) {
  for (size_t open = text.find('{'); open != std::string_view::npos;
       open = text.find('{', open + 1)) {
    size_t end = MatchBrace(text, open);
    if (end == std::string_view::npos) continue;
    Json j = Json::parse(text.substr(open, end - open), nullptr, /*allow_exceptions=*/false);
    if (!j.is_discarded() && LooksLikeSchema(j)) return j;
  }
  return std::nullopt;
}

}  // namespace taskcost::mock
