#include "harness/edge/response_cache.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <vector>

#include "harness/core/formats/content_hash.h"
#include "harness/core/formats/json_check.h"
#include "harness/core/formats/json_parse.h"
#include "harness/core/formats/json_writer.h"
#include "harness/core/formats/user_files.h"

namespace taskcost {
namespace {
namespace fs = std::filesystem;
using Json = nlohmann::json;

constexpr const char* kEntryFormat = "taskcost-response-cache";
constexpr int kEntryVersion = 1;
constexpr std::string_view kHashPrefix = "sha256:";

// The entry's first line: everything but the body, which follows verbatim (any bytes). Written
// field by field in the bytes nlohmann::json's dump gave (keys in its sorted order, invalid
// UTF-8 in a header replaced), without building a tree for every answer stored.
std::string EntryHead(const std::string& key, const HttpResponse& response) {
  std::string head;
  head.reserve(256 + key.size() + 64 * response.headers.size());
  JsonWriter w(head);
  w.BeginObject();
  w.Int("body_bytes", static_cast<int64_t>(response.body.size()));
  w.Int("elapsed_us", response.elapsed.count());
  w.String("format", kEntryFormat);
  w.BeginArray("headers");
  for (const HttpHeader& h : response.headers) {
    w.BeginArray();
    w.String(h.name);
    w.String(h.value);
    w.EndArray();
  }
  w.EndArray();
  w.String("key", key);
  w.Int("status", response.status);
  w.Int("version", kEntryVersion);
  w.EndObject();
  head += '\n';
  return head;
}

// Reads an entry's text; nullopt for anything that is not a whole entry of `key`.
std::optional<HttpResponse> ParseEntry(const std::string& text, const std::string& key) {
  const size_t newline = text.find('\n');
  if (newline == std::string::npos) return std::nullopt;
  // Bounded too (depth, numbers past a double): an entry is a file anyone may have edited.
  const std::optional<Json> parsed =
      ParseBoundedJson<Json>(std::string_view(text).substr(0, newline), nullptr);
  if (!parsed || !parsed->is_object()) return std::nullopt;
  const Json& head = *parsed;
  try {
    if (head.at("format").get<std::string>() != kEntryFormat ||
        head.at("version").get<int>() != kEntryVersion ||
        head.at("key").get<std::string>() != key ||
        head.at("body_bytes").get<size_t>() != text.size() - newline - 1) {
      return std::nullopt;
    }
    HttpResponse response;
    response.status = head.at("status").get<int>();
    response.elapsed = std::chrono::microseconds(head.at("elapsed_us").get<int64_t>());
    for (const Json& h : head.at("headers")) {
      response.headers.push_back({h.at(0).get<std::string>(), h.at(1).get<std::string>()});
    }
    response.body = text.substr(newline + 1);
    if (!IsCacheable(response)) return std::nullopt;
    RedactSecrets(response, false);  // an entry a version before redaction wrote
    return response;
  } catch (const Json::exception&) {
    return std::nullopt;  // a field missing or of the wrong type: a damaged entry
  }
}

// dir / name as std::filesystem::path's operator/ joins them (a separator unless `dir` is empty
// or ends in one; an absolute `name` replaces `dir`), without building paths for every lookup.
std::string JoinPath(std::string_view dir, std::string_view name) {
  if (name.starts_with('/')) return std::string(name);
  std::string out;
  out.reserve(dir.size() + 1 + name.size());
  out += dir;
  if (!out.empty() && out.back() != '/') out += '/';
  out += name;
  return out;
}

// A temporary name no other writer (thread or process) uses at the same time.
std::string TempNameFor(const std::string& path) {
  static std::atomic<uint64_t> counter{0};
  return path + ".tmp." + std::to_string(getpid()) + "." + std::to_string(++counter);
}

}  // namespace

std::string ResponseCacheKey(const CacheRequest& request) {
  const std::string occurrence =
      std::to_string(request.repeat) + "/" + std::to_string(request.attempt);
  const std::string_view fields[] = {request.provider_kind, request.url, request.body,
                                     occurrence};
  std::vector<std::string> lengths;
  lengths.reserve(std::size(fields));  // the views below point into these strings
  std::vector<std::string_view> parts = {"taskcost-response-cache-key-v1\n"};
  for (std::string_view field : fields) {
    parts.push_back(lengths.emplace_back(std::to_string(field.size()) + ":"));
    parts.push_back(field);
  }
  return ContentHash(parts);
}

bool IsCacheable(const HttpResponse& response) {
  return response.status >= 200 && response.status < 300 &&
         response.failure == TransportFailure::kNone && IsJsonText(response.body);
}

std::string ResponseCache::PathFor(const std::string& key) const {
  std::string_view hex = key;
  if (hex.substr(0, kHashPrefix.size()) == kHashPrefix) hex.remove_prefix(kHashPrefix.size());
  if (hex.size() < 3) return JoinPath(dir_, hex);
  return JoinPath(JoinPath(dir_, hex.substr(0, 2)), hex.substr(2));
}

std::optional<HttpResponse> ResponseCache::Lookup(const std::string& key) const {
  // Bounded as every file from outside is: a regular file only (a FIFO would block), at most
  // kMaxCacheEntryBytes; anything else is a miss and the call is made again.
  Result<std::string> text = ReadUserFile(PathFor(key), kMaxCacheEntryBytes);
  if (!text.ok()) return std::nullopt;
  return ParseEntry(*text, key);
}

Result<bool> ResponseCache::Store(const std::string& key, const HttpResponse& response) const {
  if (!IsCacheable(response)) return false;
  const std::string path = PathFor(key);
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  if (ec) return MakeError("response cache: cannot create " + dir_ + ": " + ec.message());
  const std::string temp = TempNameFor(path);
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << EntryHead(key, response) << response.body;
    out.flush();
    if (!out) {
      const std::string reason = std::strerror(errno);
      fs::remove(temp, ec);
      return MakeError("response cache: cannot write " + temp + ": " + reason);
    }
  }
  fs::rename(temp, path, ec);
  if (ec) {
    const std::string reason = ec.message();
    fs::remove(temp, ec);
    return MakeError("response cache: cannot rename " + temp + " to " + path + ": " + reason);
  }
  return true;
}

}  // namespace taskcost
