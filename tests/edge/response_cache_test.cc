#include "harness/edge/response_cache.h"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/edge/temp_dir.h"

namespace taskcost::response_cache_test {
namespace {
namespace fs = std::filesystem;

HttpResponse Answer(const std::string& body = R"({"id":"chatcmpl-1","usage":{"total_tokens":3}})") {
  HttpResponse r;
  r.status = 200;
  r.headers = {{"content-type", "application/json"}, {"x-request-id", "req_42"}};
  r.body = body;
  r.elapsed = std::chrono::microseconds(812'345);
  return r;
}

CacheRequest Request(std::string_view body = R"({"model":"m","messages":[]})") {
  return CacheRequest{"openai", "https://api.example.invalid/v1/chat/completions", body, 0, 1};
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

size_t FilesUnder(const std::string& dir) {
  size_t n = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) n += entry.is_regular_file();
  return n;
}

// Answer() stored in a fresh cache, and its entry's text as written.
struct StoredEntry {
  testing::TempDir tmp;
  ResponseCache cache{tmp.File("cache")};
  std::string key = ResponseCacheKey(Request());
  std::string path = cache.PathFor(key);
  std::string good;
  size_t head_end = 0;

  StoredEntry() {
    REQUIRE(cache.Store(key, Answer()).value());
    good = ReadText(path);
    head_end = good.find('\n');
    REQUIRE(head_end != std::string::npos);
  }
};

}  // namespace

TEST_CASE("response_cache: a stored answer comes back exactly, elapsed time included") {
  testing::TempDir tmp;
  ResponseCache cache(tmp.File("cache"));
  const std::string key = ResponseCacheKey(Request());
  CHECK_FALSE(cache.Lookup(key).has_value());  // nothing yet; the directory does not exist

  REQUIRE(cache.Store(key, Answer()).value());
  std::optional<HttpResponse> hit = cache.Lookup(key);
  REQUIRE(hit.has_value());
  CHECK(hit->status == 200);
  CHECK(hit->body == Answer().body);
  CHECK(hit->elapsed == std::chrono::microseconds(812'345));
  REQUIRE(hit->headers.size() == 2);
  CHECK(hit->headers[1].name == "x-request-id");
  CHECK(hit->headers[1].value == "req_42");
  CHECK(hit->failure == TransportFailure::kNone);

  SUBCASE("entries live under <dir>/<two hex digits>/<the rest>, with no temporary left over") {
    CHECK(key.rfind("sha256:", 0) == 0);
    CHECK(cache.PathFor(key) == tmp.File("cache") + "/" + key.substr(7, 2) + "/" + key.substr(9));
    CHECK(fs::exists(cache.PathFor(key)));
    CHECK(FilesUnder(tmp.File("cache")) == 1);
  }
  SUBCASE("a body with any bytes survives (it follows the entry's head verbatim)") {
    const std::string body = "{\"text\":\"caf\xC3\xA9\\n\\u0000\"}";
    REQUIRE(cache.Store(key, Answer(body)).value());
    CHECK(cache.Lookup(key)->body == body);
  }
  SUBCASE("another cache directory does not see it") {
    CHECK_FALSE(ResponseCache(tmp.File("other")).Lookup(key).has_value());
  }
}

TEST_CASE("response_cache: an entry holding a key reads back without it") {
  // An entry from before replies were redacted, holding the key a server echoed; the key is
  // one the reading run holds.
  testing::TempDir tmp;
  ResponseCache cache(tmp.File("cache"));
  const std::string key = ResponseCacheKey(Request());
  HttpResponse echoed =
      Answer(R"({"id":"chatcmpl-1","echo":"sk-cache-echo-0123456789","usage":{"total_tokens":3}})");
  echoed.headers.push_back({"x-echo", "Bearer sk-cache-echo-0123456789"});
  REQUIRE(cache.Store(key, echoed).value());
  const Secret run_key("sk-cache-echo-0123456789");
  std::optional<HttpResponse> hit = cache.Lookup(key);
  REQUIRE(hit.has_value());
  CHECK(hit->body == R"({"id":"chatcmpl-1","echo":"[redacted]","usage":{"total_tokens":3}})");
  REQUIRE(hit->headers.size() == 3);
  CHECK(hit->headers[2].value == "Bearer [redacted]");
}

TEST_CASE("response_cache: only complete 2xx JSON answers are stored") {
  testing::TempDir tmp;
  ResponseCache cache(tmp.File("cache"));
  const std::string key = ResponseCacheKey(Request());
  struct Case {
    const char* name;
    HttpResponse response;
  };
  HttpResponse rate_limited = Answer(R"({"error":{"message":"slow down"}})");
  rate_limited.status = 429;
  HttpResponse server = Answer();
  server.status = 500;
  HttpResponse cut_off = Answer(R"({"id":"chatcmpl-1","us)");
  cut_off.failure = TransportFailure::kNetwork;
  HttpResponse complete_but_failed = Answer();
  complete_but_failed.failure = TransportFailure::kTimeout;
  HttpResponse not_json = Answer("<html>bad gateway</html>");
  HttpResponse nothing;
  nothing.failure = TransportFailure::kConnect;
  for (const Case& c : {Case{"429", rate_limited}, Case{"500", server}, Case{"cut off", cut_off},
                        Case{"timed out", complete_but_failed}, Case{"not JSON", not_json},
                        Case{"no answer", nothing}}) {
    INFO(c.name);
    CHECK_FALSE(IsCacheable(c.response));
    Result<bool> stored = cache.Store(key, c.response);
    REQUIRE(stored.ok());
    CHECK_FALSE(stored.value());
    CHECK_FALSE(cache.Lookup(key).has_value());
  }
  CHECK_FALSE(fs::exists(tmp.File("cache")));  // nothing was ever written
  HttpResponse created = Answer();
  created.status = 201;
  CHECK(IsCacheable(created));
}

TEST_CASE("response_cache: damaged entries read as misses") {
  const StoredEntry entry;
  const ResponseCache& cache = entry.cache;
  const std::string &key = entry.key, &path = entry.path, &good = entry.good;
  const size_t head_end = entry.head_end;

  auto replaced = [&](const std::string& from, const std::string& to) {
    std::string text = good;
    const size_t at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
  };
  struct Case {
    const char* name;
    std::string text;
  };
  for (const Case& c : {
           Case{"empty file (a crash before the data reached the disk)", ""},
           Case{"body cut short", good.substr(0, good.size() - 3)},
           Case{"body longer than recorded", good + "xx"},
           Case{"head cut short", good.substr(0, head_end / 2)},
           Case{"head not JSON", "garbage\n" + good.substr(head_end + 1)},
           Case{"another format version", replaced("\"version\":1", "\"version\":2")},
           Case{"another key (a misplaced file)", replaced(key.substr(7, 8), "00000000")},
           Case{"a field of the wrong type", replaced("\"status\":200", "\"status\":\"200\"")},
           Case{"a field missing", replaced("\"elapsed_us\":812345,", "")},
           Case{"a stored status that is not 2xx", replaced("\"status\":200", "\"status\":500")},
       }) {
    INFO(c.name);
    WriteText(path, c.text);
    CHECK_FALSE(cache.Lookup(key).has_value());
  }
  WriteText(path, good);
  CHECK(cache.Lookup(key).has_value());  // the cases above really were the only difference
}

TEST_CASE("response_cache: an entry that is no regular file, too long or too deep is a miss") {
  const StoredEntry entry;
  const ResponseCache& cache = entry.cache;
  const std::string &key = entry.key, &path = entry.path, &good = entry.good;
  const size_t head_end = entry.head_end;

  // A FIFO in the entry's place: opening it for reading would wait for a writer forever.
  fs::remove(path);
  REQUIRE(::mkfifo(path.c_str(), 0600) == 0);
  CHECK_FALSE(cache.Lookup(key).has_value());
  fs::remove(path);

  // An entry one byte past the bound, its head claiming the whole body: not read at all.
  const std::string body(kMaxCacheEntryBytes - head_end, 'x');
  std::string head = good.substr(0, head_end);
  const std::string recorded = "\"body_bytes\":" + std::to_string(good.size() - head_end - 1);
  const size_t at = head.find(recorded);
  REQUIRE(at != std::string::npos);
  head.replace(at, recorded.size(), "\"body_bytes\":" + std::to_string(body.size()));
  WriteText(path, head + "\n" + body);
  REQUIRE(fs::file_size(path) > kMaxCacheEntryBytes);
  CHECK_FALSE(cache.Lookup(key).has_value());

  // A head nested 100,000 deep: refused by the bounded parse, no stack exhausted.
  WriteText(path, "{\"x\":" + std::string(100'000, '[') + std::string(100'000, ']') + "}\n" +
                      good.substr(head_end + 1));
  CHECK_FALSE(cache.Lookup(key).has_value());

  WriteText(path, good);
  CHECK(cache.Lookup(key).has_value());  // the entry itself was fine all along
}

TEST_CASE("response_cache: the key covers provider kind, URL, body and occurrence, not auth") {
  const std::string base = ResponseCacheKey(Request());
  CHECK(base == ResponseCacheKey(Request()));  // stable
  CHECK(base.size() == 7 + 64);

  CacheRequest other = Request();
  other.provider_kind = "anthropic";
  CHECK(ResponseCacheKey(other) != base);
  other = Request();
  other.url = "https://api.example.invalid/v2/chat/completions";
  CHECK(ResponseCacheKey(other) != base);
  CHECK(ResponseCacheKey(Request(R"({"model":"m2","messages":[]})")) != base);
  other = Request();
  other.attempt = 2;  // the retry of a malformed answer must get the original retry's answer
  CHECK(ResponseCacheKey(other) != base);
  other = Request();
  other.repeat = 1;  // each repeat gets its own answer, or repeats would show no spread
  CHECK(ResponseCacheKey(other) != base);

  SUBCASE("parts cannot run into each other") {
    CacheRequest a{"openai", "https://x/ab", "c", 0, 1};
    CacheRequest b{"openai", "https://x/a", "bc", 0, 1};
    CHECK(ResponseCacheKey(a) != ResponseCacheKey(b));
  }
}

TEST_CASE("response_cache: storing again replaces the entry whole") {
  testing::TempDir tmp;
  ResponseCache cache(tmp.File("cache"));
  const std::string key = ResponseCacheKey(Request());
  REQUIRE(cache.Store(key, Answer(R"({"v":1})")).value());
  REQUIRE(cache.Store(key, Answer(R"({"v":2})")).value());
  CHECK(cache.Lookup(key)->body == R"({"v":2})");
  CHECK(FilesUnder(tmp.File("cache")) == 1);
}

TEST_CASE("response_cache: an entry's first line is the JSON a tree's dump wrote") {
  // The head as entries have always been written: an nlohmann::json tree (keys sorted), dumped
  // with invalid UTF-8 replaced. Entries written before and after read the same.
  testing::TempDir tmp;
  ResponseCache cache(tmp.File("cache"));
  HttpResponse answer = Answer();
  answer.headers.push_back({"x-odd", "quote \" backslash \\ tab \t bad \xFF caf\xC3\xA9"});
  answer.elapsed = std::chrono::microseconds(-5);
  const std::string key = ResponseCacheKey(Request());
  REQUIRE(cache.Store(key, answer).value());
  nlohmann::json headers = nlohmann::json::array();
  for (const HttpHeader& h : answer.headers) headers.push_back({h.name, h.value});
  const nlohmann::json head = {{"format", "taskcost-response-cache"},
                               {"version", 1},
                               {"key", key},
                               {"status", 200},
                               {"elapsed_us", -5},
                               {"headers", headers},
                               {"body_bytes", answer.body.size()}};
  CHECK(ReadText(cache.PathFor(key)) ==
        head.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n" + answer.body);
}

TEST_CASE("response_cache: entry paths join the directory as std::filesystem does") {
  const std::string key = "sha256:abcdef";
  for (std::string dir : {"", "cache", "cache/", "/abs/cache", "/"}) {
    CAPTURE(dir);
    const std::string expected = (fs::path(dir) / "ab" / "cdef").string();
    CHECK(ResponseCache(dir).PathFor(key) == expected);
  }
  CHECK(ResponseCache("cache").PathFor("sha256:ab") == (fs::path("cache") / "ab").string());
}

TEST_CASE("response_cache: an unwritable directory is an error, not a crash") {
  testing::TempDir tmp;
  WriteText(tmp.File("file"), "a file where the cache directory should be");
  ResponseCache cache(tmp.File("file"));
  Result<bool> stored = cache.Store(ResponseCacheKey(Request()), Answer());
  REQUIRE_FALSE(stored.ok());
  CHECK(stored.error().message.rfind("response cache: cannot create " + tmp.File("file"), 0) == 0);
}

}  // namespace taskcost::response_cache_test
