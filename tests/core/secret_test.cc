// Secret cannot be printed, and every key it was made from is redacted from text however a
// server spelled it. The registry is process-wide: each test uses keys of its own.
#include "harness/core/model/secret.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <type_traits>

#include "harness/core/model/http.h"

namespace taskcost::secret_test {
namespace {

template <class T, class = void>
struct Streamable : std::false_type {};
template <class T>
struct Streamable<T, std::void_t<decltype(std::declval<std::ostream&>() << std::declval<T>())>>
    : std::true_type {};

// A key leaking into a journal, a report or a log fails to compile.
static_assert(!std::is_convertible_v<Secret, std::string>);
static_assert(!std::is_convertible_v<Secret, std::string_view>);
static_assert(!std::is_constructible_v<std::string, Secret>);
static_assert(!Streamable<Secret>::value);
static_assert(!std::is_constructible_v<nlohmann::json, Secret>);  // no to_json
static_assert(!std::is_convertible_v<std::string, Secret>);       // made only on purpose

std::string Redacted(std::string text, bool cut_off = false) {
  RedactSecrets(text, cut_off);
  return text;
}

TEST_CASE("secret: a key is redacted as written, in Bearer, and more than once") {
  const Secret key("sk-redact-0123456789");
  CHECK(Redacted(R"({"error":{"message":"Incorrect API key provided: sk-redact-0123456789"}})") ==
        R"({"error":{"message":"Incorrect API key provided: [redacted]"}})");
  CHECK(Redacted("Bearer sk-redact-0123456789, again sk-redact-0123456789.") ==
        "Bearer [redacted], again [redacted].");
  CHECK(Redacted("nothing to hide") == "nothing to hide");
}

TEST_CASE("secret: a key spelt with JSON or URL escapes is redacted") {
  const Secret key("sk-redact/slash+plus-0123");
  // \u0073 is "s", \u006b "k": a JSON reader would give the key back whole.
  CHECK(Redacted(R"({"echo":"\u0073\u006b-redact\/slash+plus-0123"})") ==
        R"({"echo":"[redacted]"})");
  // %2F is "/", %2B "+".
  CHECK(Redacted("https://x.test/?key=sk-redact%2Fslash%2Bplus-0123&y=1") ==
        "https://x.test/?key=[redacted]&y=1");
  // \\u0073 is an escaped backslash and "u0073": "\u0073" once decoded, the key twice, as an
  // answer that is itself JSON inside a JSON reply is decoded before a scorer reads it.
  CHECK(Redacted(R"({"content":"{\"echo\":\"\\u0073k-redact/slash+plus-0123\"}"})") ==
        R"({"content":"{\"echo\":\"[redacted]\"}"})");
}

TEST_CASE("secret: a base64-encoded key is redacted wherever it starts") {
  const Secret key("sk-redact-b64-0123456789");  // 24 bytes
  // base64("user:" + key), a Basic auth header: the key starts at byte 5, so its bits fill
  // characters 7 to 37; character 38 ("k") holds its last 4 bits and 2 of padding, and stays.
  CHECK(Redacted("Basic dXNlcjpzay1yZWRhY3QtYjY0LTAxMjM0NTY3ODk=") == "Basic dXNlcjp[redacted]k=");
  // base64(key) alone: all 32 characters are the key's.
  CHECK(Redacted("c2stcmVkYWN0LWI2NC0wMTIzNDU2Nzg5") == "[redacted]");
  // base64("x" + key): the key's bits fill characters 2 to 32.
  CHECK(Redacted("eHNrLXJlZGFjdC1iNjQtMDEyMzQ1Njc4OQ==") == "eH[redacted]Q==");
}

TEST_CASE("secret: a text cut off inside a key loses the key's beginning too") {
  const Secret key("sk-redact-cut-0123456789");
  const std::string cut = R"({"echo":"sk-redact-cu)";
  CHECK(Redacted(cut, true) == R"({"echo":"[redacted])");
  CHECK(Redacted(cut, false) == cut);  // whole texts keep what only looks like a beginning
  CHECK(Redacted(R"({"echo":"sk-)", true) == R"({"echo":"sk-)");  // 3 bytes: under 4, kept
}

TEST_CASE("secret: keys shorter than 8 bytes are kept out of child processes only") {
  const Secret key("EMPTY");
  CHECK(Redacted("EMPTY is not a secret anyone can keep") ==
        "EMPTY is not a secret anyone can keep");
  CHECK(IsOrHoldsSecret("EMPTY"));
  CHECK_FALSE(IsOrHoldsSecret("NOT EMPTY"));
  const Secret long_key("sk-redact-held-0123456789");
  CHECK(IsOrHoldsSecret("Bearer sk-redact-held-0123456789"));
  CHECK_FALSE(IsOrHoldsSecret("sk-redact-held"));
}

TEST_CASE("secret: a reply is redacted in its body, headers and failure message") {
  const Secret key("sk-redact-reply-0123456789");
  HttpResponse reply;
  reply.body = R"({"key":"sk-redact-reply-0123456789"})";
  reply.headers = {{"x-echo", "Bearer sk-redact-reply-0123456789"},
                   {"sk-redact-reply-0123456789", "as a name"}};
  reply.failure_message = "sent sk-redact-reply-0123456789";
  RedactSecrets(reply, false);
  CHECK(reply.body == R"({"key":"[redacted]"})");
  CHECK(reply.headers[0].value == "Bearer [redacted]");
  CHECK(reply.headers[1].name == "[redacted]");
  CHECK(reply.failure_message == "sent [redacted]");
}

}  // namespace
}  // namespace taskcost::secret_test
