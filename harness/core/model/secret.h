// Secret: an API key held in memory only. It has no to_json, no operator<<, no implicit string
// conversion; the one way out is RevealForTransport(), which only the HTTP transport calls when it sets
// headers. A key leaking into a journal or report therefore fails to compile or shows in review.
// Plain value type; not synchronised.
//
// Every key a Secret is made from is also remembered for the whole process, so that whatever a
// server echoes back can be scrubbed of it (RedactSecrets: the transport applies it to every
// reply before anything reads it) and a child process can be started without it
// (IsOrHoldsSecret). Those functions are thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace taskcost {

/// What stands in for a key wherever one would have been written.
inline constexpr std::string_view kRedacted = "[redacted]";
/// Keys shorter than this are not redacted from text: too short to tell from ordinary words
/// (a local server's "none" or "EMPTY"). They are still kept out of child processes.
inline constexpr size_t kMinRedactedKeyBytes = 8;

/// Remembers `value` as a key for the rest of the process (Secret's constructor calls it).
void RememberSecret(std::string_view value);

class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) { RememberSecret(value_); }
  Secret(const Secret&) = default;
  Secret& operator=(const Secret&) = default;
  ~Secret() { Wipe(); }

  bool empty() const { return value_.empty(); }
  /// For the transport only, when it builds the request headers.
  std::string_view RevealForTransport() const { return value_; }

 private:
  void Wipe() {
    volatile char* p = value_.data();
    for (size_t i = 0; i < value_.size(); ++i) p[i] = 0;
  }
  std::string value_;
};

/// Replaces in `text`, by kRedacted, every key remembered so far that is at least
/// kMinRedactedKeyBytes long, however it is written: as is, with JSON escapes (\u0073, \/),
/// percent-encoded (%2B), or base64-encoded (standard or URL alphabet, at any offset, as in a
/// Basic auth header). When `cut_off` (a text cut short, such as a body ended at its size
/// limit), a key's first 4 or more bytes at the very end are replaced too. Returns the number of
/// replacements. Linear in the text's size for each key.
size_t RedactSecrets(std::string& text, bool cut_off = false);

/// Whether `text` is a remembered key (of any length), or holds one of kMinRedactedKeyBytes or
/// more.
bool IsOrHoldsSecret(std::string_view text);

}  // namespace taskcost
