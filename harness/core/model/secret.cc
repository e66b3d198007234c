// The process's remembered keys and their redaction (secret.h). The keys live in one registry
// guarded by a mutex; a redaction works on an immutable snapshot of it, so it never holds the
// lock while it scans a reply.
#include "harness/core/model/secret.h"

#include <algorithm>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <utility>
#include <vector>

namespace taskcost {
namespace {

constexpr size_t kMinCutOffPrefix = 4;  // a key's shortest beginning redacted at a text's end

// A key and the other spellings it is searched for in.
struct KeyForms {
  std::string raw;
  std::vector<std::string> needles;  // raw first, then its base64 cores
};

// The part of base64(k filler bytes + key) that depends on the key alone, for k = 0, 1, 2: an
// encoded key shows one of them wherever it starts in the encoded text.
std::vector<std::string> Base64Cores(std::string_view key, const char* alphabet) {
  std::vector<std::string> cores;
  for (size_t k = 0; k < 3; ++k) {
    std::string bytes(k, '\0');
    bytes += key;
    std::string encoded;
    for (size_t bit = 0; bit < bytes.size() * 8; bit += 6) {
      unsigned value = 0;
      for (size_t b = bit; b < bit + 6; ++b) {
        const bool set =
            b < bytes.size() * 8 && (static_cast<unsigned char>(bytes[b / 8]) >> (7 - b % 8)) & 1;
        value = value * 2 + (set ? 1 : 0);
      }
      encoded += alphabet[value];
    }
    const size_t first = (8 * k + 5) / 6;           // the first character of key bits only
    const size_t end = (8 * (k + key.size())) / 6;  // past the last one
    cores.push_back(encoded.substr(first, end - first));
  }
  return cores;
}

KeyForms FormsOf(std::string_view key) {
  KeyForms forms{std::string(key), {std::string(key)}};
  for (const char* alphabet :
       {"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"}) {
    for (std::string& core : Base64Cores(key, alphabet)) {
      if (std::find(forms.needles.begin(), forms.needles.end(), core) == forms.needles.end()) {
        forms.needles.push_back(std::move(core));
      }
    }
  }
  return forms;
}

class Registry {
 public:
  void Remember(std::string_view value) {
    if (value.empty()) return;
    std::lock_guard<std::mutex> lock(mutex_);
    if (!all_.insert(std::string(value)).second || value.size() < kMinRedactedKeyBytes) return;
    auto grown = std::make_shared<std::vector<KeyForms>>(keys_ ? *keys_ : std::vector<KeyForms>{});
    grown->push_back(FormsOf(value));
    keys_ = std::move(grown);
  }
  std::shared_ptr<const std::vector<KeyForms>> Keys() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return keys_;
  }
  bool IsKey(std::string_view value) const {
    std::lock_guard<std::mutex> lock(mutex_);
    return all_.find(value) != all_.end();
  }

 private:
  mutable std::mutex mutex_;
  std::set<std::string, std::less<>> all_;             // guarded by mutex_
  std::shared_ptr<const std::vector<KeyForms>> keys_;  // guarded by mutex_; long enough ones
};

Registry& TheRegistry() {
  static Registry* registry = new Registry;  // never destroyed: usable until the process ends
  return *registry;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// One decoding of a text: JSON escapes (\\, \/, \u00XX) and percent escapes (%XX) replaced by
// the byte they stand for. Only the decoded escapes are recorded, so a text without any costs
// nothing and one with a few costs a few entries, whatever its size.
struct Decoding {
  struct Escape {
    size_t decoded;  // the decoded byte's offset
    size_t raw;      // where its escape starts in the text decoded
    size_t length;   // the escape's length there
  };
  std::string text;
  std::vector<Escape> escapes;  // in order

  // Where decoded byte `i` (or the end, i == text.size()) starts in the text decoded.
  size_t RawOffset(size_t i) const {
    auto after = std::upper_bound(escapes.begin(), escapes.end(), i,
                                  [](size_t at, const Escape& e) { return at < e.decoded; });
    if (after == escapes.begin()) return i;
    const Escape& last = *(after - 1);
    return last.decoded == i ? last.raw : last.raw + last.length + (i - last.decoded - 1);
  }
};

// The escape at text[i] as (byte, length), or length 0 when there is none.
std::pair<char, size_t> EscapeAt(std::string_view text, size_t i) {
  const char c = text[i];
  if (c == '\\' && i + 1 < text.size() && (text[i + 1] == '\\' || text[i + 1] == '/')) {
    return {text[i + 1], 2};
  }
  if (c == '\\' && i + 5 < text.size() && text[i + 1] == 'u' && text[i + 2] == '0' &&
      text[i + 3] == '0' && HexValue(text[i + 4]) >= 0 && HexValue(text[i + 4]) < 8 &&
      HexValue(text[i + 5]) >= 0) {
    return {static_cast<char>(HexValue(text[i + 4]) * 16 + HexValue(text[i + 5])), 6};
  }
  if (c == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 && HexValue(text[i + 2]) >= 0) {
    return {static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2])), 3};
  }
  return {c, 0};
}

// Decodes `text`; nullopt when it holds no escape to decode (most replies: a JSON body's \" and
// \n are not decoded, no key holds them), without copying it then.
std::optional<Decoding> Decode(std::string_view text) {
  size_t i = text.find_first_of("\\%");
  while (i != std::string_view::npos && EscapeAt(text, i).second == 0) {
    i = text.find_first_of("\\%", i + (text[i] == '\\' ? 2 : 1));
  }
  if (i == std::string_view::npos) return std::nullopt;
  Decoding d;
  d.text.reserve(text.size());
  d.text.append(text.substr(0, i));
  while (i < text.size()) {
    const auto [byte, length] = EscapeAt(text, i);
    if (length > 0) d.escapes.push_back({d.text.size(), i, length});
    d.text += byte;
    i += std::max<size_t>(length, 1);
  }
  return d;
}

// A text and its decodings, each of the one before, for as long as decoding changes something
// (an answer JSON-encoded inside a JSON reply is decoded twice before a scorer reads it), at
// most kMaxDecodings deep.
constexpr int kMaxDecodings = 4;

class Views {
 public:
  explicit Views(std::string_view text) : text_(text) {
    std::string_view last = text;
    for (int level = 0; level < kMaxDecodings; ++level) {
      std::optional<Decoding> next = Decode(last);
      if (!next) break;
      decodings_.push_back(std::move(*next));
      last = decodings_.back().text;
    }
  }
  size_t count() const { return decodings_.size() + 1; }
  std::string_view text(size_t level) const {
    return level == 0 ? text_ : std::string_view(decodings_[level - 1].text);
  }
  // Where offset `i` of view `level` starts in the original text.
  size_t Original(size_t level, size_t i) const {
    for (; level > 0; --level) i = decodings_[level - 1].RawOffset(i);
    return i;
  }

 private:
  std::string_view text_;
  std::vector<Decoding> decodings_;
};

// Byte ranges of the original text to replace: every needle of every key in every view.
void AddRanges(const Views& views, size_t level, const std::vector<KeyForms>& keys, bool cut_off,
               std::vector<std::pair<size_t, size_t>>& ranges) {
  const std::string_view text = views.text(level);
  auto add = [&](size_t start, size_t end) {
    ranges.emplace_back(views.Original(level, start), views.Original(level, end));
  };
  for (const KeyForms& key : keys) {
    for (const std::string& needle : key.needles) {
      for (size_t at = text.find(needle); at != std::string_view::npos;
           at = text.find(needle, at + needle.size())) {
        add(at, at + needle.size());
      }
    }
    if (!cut_off) continue;
    for (size_t length = std::min(key.raw.size() - 1, text.size()); length >= kMinCutOffPrefix;
         --length) {
      if (text.ends_with(std::string_view(key.raw).substr(0, length))) {
        add(text.size() - length, text.size());
        break;
      }
    }
  }
}

}  // namespace

void RememberSecret(std::string_view value) { TheRegistry().Remember(value); }

size_t RedactSecrets(std::string& text, bool cut_off) {
  const std::shared_ptr<const std::vector<KeyForms>> keys = TheRegistry().Keys();
  if (keys == nullptr || text.empty()) return 0;
  std::vector<std::pair<size_t, size_t>> ranges;
  const Views views(text);
  for (size_t level = 0; level < views.count(); ++level) {
    AddRanges(views, level, *keys, cut_off, ranges);
  }
  if (ranges.empty()) return 0;
  std::sort(ranges.begin(), ranges.end());
  std::string out;
  out.reserve(text.size());
  size_t done = 0;
  size_t replaced = 0;
  for (const auto& [start, end] : ranges) {
    if (end <= done) continue;  // inside a range already replaced
    if (start >= done) {
      out.append(text, done, start - done);
      out += kRedacted;
      ++replaced;
    }
    done = end;  // a range overlapping the last one extends it
  }
  out.append(text, done);
  text = std::move(out);
  return replaced;
}

bool IsOrHoldsSecret(std::string_view text) {
  if (TheRegistry().IsKey(text)) return true;
  const std::shared_ptr<const std::vector<KeyForms>> keys = TheRegistry().Keys();
  if (keys == nullptr) return false;
  return std::any_of(keys->begin(), keys->end(), [text](const KeyForms& key) {
    return text.find(key.raw) != std::string_view::npos;
  });
}

}  // namespace taskcost
