// The libcurl multi transport (transport.h). curl stays inside this file: one multi handle, a
// pool of easy handles reused across requests, completions collected with curl_multi_info_read.
#include <curl/curl.h>

#include <strings.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "harness/edge/transport.h"

namespace taskcost {
namespace {

constexpr size_t kMaxIdleTransfers = 1024;
constexpr size_t kMaxReplyHeaders = 200;           // header lines of one reply, interim ones too
constexpr size_t kMaxReplyHeaderBytes = 256 << 10;  // their bytes
constexpr size_t kKeptBodyPrefix = 1024;           // what a reply too large keeps of its body
constexpr size_t kShownBodyPrefix = 200;           // what its failure message shows

void GlobalInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

void Wipe(char* data, size_t size) {
  volatile char* p = data;
  for (size_t i = 0; i < size; ++i) p[i] = 0;
}

void Wipe(std::string* s) { Wipe(s->data(), s->size()); }

// curl's header list; its strings are wiped before they are freed, as one of them holds the key.
class HeaderList {
 public:
  HeaderList() = default;
  ~HeaderList() { Reset(); }
  HeaderList(const HeaderList&) = delete;
  HeaderList& operator=(const HeaderList&) = delete;

  void Append(const std::string& line) {
    curl_slist* grown = curl_slist_append(list_, line.c_str());
    if (grown == nullptr) throw std::bad_alloc();
    list_ = grown;
  }
  void Reset() {
    for (curl_slist* node = list_; node != nullptr; node = node->next) {
      Wipe(node->data, std::strlen(node->data));
    }
    curl_slist_free_all(list_);
    list_ = nullptr;
  }
  curl_slist* get() const { return list_; }

 private:
  curl_slist* list_ = nullptr;
};

struct EasyCleanup {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
using EasyHandle = std::unique_ptr<CURL, EasyCleanup>;

// One request and what came back so far. Pooled: the easy handle is reused, keeping the options
// every request shares (set_up_for says for which method), so a reused handle needs only the
// options that change from request to request.
struct Transfer {
  Transfer() : easy(curl_easy_init()) {
    if (!easy) throw std::bad_alloc();
  }
  void Clear() {
    curl_easy_setopt(easy.get(), CURLOPT_HTTPHEADER, nullptr);  // the list is freed below
    headers.Reset();
    request_body.clear();
    response = HttpResponse{};
    error[0] = '\0';
    sends = 0;
    max_body = kDefaultMaxReplyBytes;
    too_large.clear();
    header_lines = 0;
    header_bytes = 0;
  }

  EasyHandle easy;
  std::optional<std::string> set_up_for;  // SendShape of the request the options were set for
  uint64_t id = 0;
  HeaderList headers;
  std::string request_body;  // curl reads it in place (CURLOPT_POSTFIELDS)
  HttpResponse response;
  char error[CURL_ERROR_SIZE] = {};
  int sends = 0;  // times curl was about to send the request (OnBeforeSend)
  size_t max_body = kDefaultMaxReplyBytes;  // HttpRequest::max_reply_bytes
  std::string too_large;  // why the reply was cut off as too large; "" while it is not
  size_t header_lines = 0;
  size_t header_bytes = 0;
};

constexpr const char* kNotResent =
    "the connection closed before any reply; the request was not sent again behind the retry "
    "policy's back";

// Called by curl right before it sends the request, on a new or a reused connection. A second
// call means curl is about to send it again by itself on a fresh connection, as it does when a
// reused connection closes before any byte of reply: a call the journal would never see, which
// the provider may have run and billed already. Refused, so the attempt fails as a network
// error and the run's retry policy decides, in the journal.
int OnBeforeSend(void* user, char*, char*, int, int) {
  return ++static_cast<Transfer*>(user)->sends > 1 ? CURL_PREREQFUNC_ABORT : CURL_PREREQFUNC_OK;
}

// Grows `body` to hold `needed` bytes, doubling but never past `limit`. A new buffer of the exact
// size is taken (std::string::reserve may round up to twice the old capacity), so a body's
// memory stays within its limit.
void Grow(std::string& body, size_t needed, size_t limit) {
  if (needed <= body.capacity()) return;
  std::string grown;
  grown.reserve(std::min(limit, std::max(needed, body.capacity() * 2)));
  grown.append(body);
  body.swap(grown);
}

// Returning anything but `size * count` makes curl end the transfer (CURLE_WRITE_ERROR).
size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  std::string& body = t->response.body;
  const size_t room = t->max_body - std::min(t->max_body, body.size());
  Grow(body, body.size() + std::min(n, room), t->max_body);
  body.append(data, std::min(n, room));  // a body too large keeps its first max_body bytes
  if (n > room) {
    t->too_large = "the reply body is larger than max_reply_bytes (" +
                   std::to_string(t->max_body) + " bytes)";
    return 0;
  }
  return n;
}

std::string_view TrimSpace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' ||
                        s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

// A Content-Length above the body limit: the reply is refused before its body arrives.
bool AnnouncesTooMuch(Transfer& t, const HttpHeader& header) {
  if (header.name.size() != 14 || strncasecmp(header.name.c_str(), "content-length", 14) != 0) {
    return false;
  }
  char* end = nullptr;
  errno = 0;
  const unsigned long long announced = std::strtoull(header.value.c_str(), &end, 10);
  if (errno != 0 || end == header.value.c_str() || announced <= t.max_body) return false;
  t.too_large = "the reply body of " + std::to_string(announced) +
                " bytes (Content-Length) is larger than max_reply_bytes (" +
                std::to_string(t.max_body) + " bytes)";
  return true;
}

// Called once per header line of every response, interim ones (100, redirects) included; a
// status line starts a new response, so only the last response's headers are kept. Lines and
// bytes are bounded over all of them.
size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  t->header_bytes += n;
  if (++t->header_lines > kMaxReplyHeaders || t->header_bytes > kMaxReplyHeaderBytes) {
    t->too_large = "the reply has more than " + std::to_string(kMaxReplyHeaders) +
                   " header lines or " + std::to_string(kMaxReplyHeaderBytes) + " bytes of them";
    return 0;
  }
  std::string_view line(data, n);
  if (line.starts_with("HTTP/")) {
    t->response.headers.clear();
  } else if (size_t colon = line.find(':'); colon != std::string_view::npos) {
    HttpHeader header{std::string(TrimSpace(line.substr(0, colon))),
                      std::string(TrimSpace(line.substr(colon + 1)))};
    if (AnnouncesTooMuch(*t, header)) return 0;
    t->response.headers.push_back(std::move(header));
  }
  return n;
}

// Printable ASCII of the body's start, for a message.
std::string BodyStart(std::string_view body) {
  std::string shown(body.substr(0, kShownBodyPrefix));
  for (char& c : shown) {
    if (c < 0x20 || c > 0x7e) c = '?';
  }
  return shown;
}



TransportFailure ClassifyFailure(CURLcode code) {
  switch (code) {
    case CURLE_OK:
      return TransportFailure::kNone;
    case CURLE_OPERATION_TIMEDOUT:
      return TransportFailure::kTimeout;
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return TransportFailure::kConnect;
    default:
      return TransportFailure::kNetwork;
  }
}

// Loopback never goes through a proxy (the simulator and tests live there); whatever the
// environment's no_proxy lists is kept.
std::string NoProxyList() {
  std::string list = "localhost,127.0.0.1,::1";
  for (const char* name : {"no_proxy", "NO_PROXY"}) {
    const char* value = std::getenv(name);
    if (value != nullptr && *value != '\0') return std::string(value) + "," + list;
  }
  return list;
}

// Whether a request sends its body: all but HEAD, and GET without one.
bool SendsBody(const std::string& method, const std::string& body) {
  return method != "HEAD" && !(method == "GET" && body.empty());
}

// What the options of a reused handle depend on: the method, and whether a body is sent.
std::string SendShape(const std::string& method, const std::string& body) {
  return method + (SendsBody(method, body) ? " with a body" : "");
}

class CurlTransport final : public Transport {
 public:
  explicit CurlTransport(const CurlTransportOptions& options)
      : options_(options), no_proxy_(NoProxyList()) {
    GlobalInitOnce();
    multi_ = curl_multi_init();
    if (multi_ == nullptr) throw std::bad_alloc();
    curl_multi_setopt(multi_, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
    if (options_.max_connections_per_host > 0) {
      curl_multi_setopt(multi_, CURLMOPT_MAX_HOST_CONNECTIONS, options_.max_connections_per_host);
    }
  }

  ~CurlTransport() override {
    for (auto& [id, transfer] : in_flight_) curl_multi_remove_handle(multi_, transfer->easy.get());
    in_flight_.clear();
    idle_.clear();
    curl_multi_cleanup(multi_);
  }

  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  void Start(uint64_t id, HttpRequest request) override;
  std::vector<Completion> Poll(std::chrono::milliseconds max_wait) override;
  void Cancel(uint64_t id) override;
  size_t InFlight() const override { return in_flight_.size() + failed_to_start_.size(); }
  void Wake() override { curl_multi_wakeup(multi_); }

 private:
  std::unique_ptr<Transfer> TakeTransfer();
  void Recycle(std::unique_ptr<Transfer> transfer);
  void Configure(Transfer& t, const HttpRequest& request);
  void SetSharedOptions(Transfer& t, const HttpRequest& request);
  void SetHeaders(Transfer& t, const HttpRequest& request);
  void Collect(std::vector<Completion>* done);
  void Finish(Transfer& t, CURLcode result);

  const CurlTransportOptions options_;
  const std::string no_proxy_;
  CURLM* multi_ = nullptr;
  std::unordered_map<uint64_t, std::unique_ptr<Transfer>> in_flight_;
  std::vector<std::unique_ptr<Transfer>> idle_;
  std::vector<Completion> failed_to_start_;  // returned by the next Poll
};

std::unique_ptr<Transfer> CurlTransport::TakeTransfer() {
  if (idle_.empty()) return std::make_unique<Transfer>();
  std::unique_ptr<Transfer> t = std::move(idle_.back());
  idle_.pop_back();
  return t;
}

void CurlTransport::Recycle(std::unique_ptr<Transfer> transfer) {
  transfer->Clear();
  if (idle_.size() < kMaxIdleTransfers) idle_.push_back(std::move(transfer));
}

void CurlTransport::Start(uint64_t id, HttpRequest request) {
  if (in_flight_.contains(id)) {
    throw std::logic_error("CurlTransport::Start: id " + std::to_string(id) +
                           " is already in flight");
  }
  std::unique_ptr<Transfer> t = TakeTransfer();
  t->id = id;
  t->max_body = request.max_reply_bytes;
  t->request_body = std::move(request.body);
  Configure(*t, request);
  CURLMcode added = curl_multi_add_handle(multi_, t->easy.get());
  if (added != CURLM_OK) {
    HttpResponse failed;
    failed.failure = TransportFailure::kNetwork;
    failed.failure_message = curl_multi_strerror(added);
    failed_to_start_.push_back(Completion{id, std::move(failed)});
    Recycle(std::move(t));
    return;
  }
  in_flight_.emplace(id, std::move(t));
}

void CurlTransport::Configure(Transfer& t, const HttpRequest& request) {
  CURL* e = t.easy.get();
  const std::string shape = SendShape(request.method, t.request_body);
  if (t.set_up_for != shape) {
    curl_easy_reset(e);  // a new handle, or one last used for another kind of request
    SetSharedOptions(t, request);
  }
  curl_easy_setopt(e, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  // Wait for a connection that may multiplex rather than opening one per request. Only over TLS,
  // where ALPN settles HTTP/2 at the handshake: over plain http:// curl learns the protocol only
  // from the first response, so every other request of a burst would wait a whole reply.
  const bool tls = request.url.starts_with("https://");
  curl_easy_setopt(e, CURLOPT_PIPEWAIT, options_.allow_http2 && tls ? 1L : 0L);
  if (SendsBody(request.method, t.request_body)) {
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(t.request_body.size()));
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, t.request_body.data());
  }
  SetHeaders(t, request);
}

// The options that stay the same from request to request of one SendShape.
void CurlTransport::SetSharedOptions(Transfer& t, const HttpRequest& request) {
  CURL* e = t.easy.get();
  curl_easy_setopt(e, CURLOPT_PRIVATE, &t);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_VERBOSE, 0L);  // headers, the key among them, never logged
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t.error);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(e, CURLOPT_PREREQFUNCTION, OnBeforeSend);
  curl_easy_setopt(e, CURLOPT_PREREQDATA, &t);
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(e, CURLOPT_HTTP_VERSION,
                   options_.allow_http2 ? CURL_HTTP_VERSION_2TLS : CURL_HTTP_VERSION_1_1);
  curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(e, CURLOPT_NOPROXY, no_proxy_.c_str());
  if (!SendsBody(request.method, t.request_body)) {
    curl_easy_setopt(e, request.method == "HEAD" ? CURLOPT_NOBODY : CURLOPT_HTTPGET, 1L);
  } else if (request.method != "POST") {
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, request.method.c_str());  // the body as POST sends it
  }
  t.set_up_for = SendShape(request.method, t.request_body);
}

void CurlTransport::SetHeaders(Transfer& t, const HttpRequest& request) {
  for (const HttpHeader& h : request.headers) {
    // "Name;" sends a header with an empty value; "Name:" would remove it.
    t.headers.Append(h.value.empty() ? h.name + ";" : h.name + ": " + h.value);
  }
  t.headers.Append("Expect:");  // no 100-continue round trip before the body
  if (request.auth) {
    const AuthHeader& auth = *request.auth;
    std::string line = auth.name + ": " + auth.prefix;
    line += auth.secret.RevealForTransport();
    t.headers.Append(line);
    Wipe(&line);
  }
  curl_easy_setopt(t.easy.get(), CURLOPT_HTTPHEADER, t.headers.get());
}

std::vector<Completion> CurlTransport::Poll(std::chrono::milliseconds max_wait) {
  std::vector<Completion> done = std::move(failed_to_start_);
  failed_to_start_.clear();
  int running = 0;
  curl_multi_perform(multi_, &running);
  Collect(&done);
  if (!done.empty()) return done;
  const int wait_ms = static_cast<int>(std::clamp<int64_t>(max_wait.count(), 0, INT_MAX));
  curl_multi_poll(multi_, nullptr, 0, wait_ms, nullptr);
  curl_multi_perform(multi_, &running);
  Collect(&done);
  return done;
}

void CurlTransport::Collect(std::vector<Completion>* done) {
  int queued = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi_, &queued)) {
    if (msg->msg != CURLMSG_DONE) continue;
    CURL* easy = msg->easy_handle;
    const CURLcode result = msg->data.result;  // msg dies with remove_handle below
    char* user = nullptr;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, &user);
    auto it = in_flight_.find(reinterpret_cast<Transfer*>(user)->id);
    Transfer& t = *it->second;
    Finish(t, result);
    done->push_back(Completion{t.id, std::move(t.response)});
    curl_multi_remove_handle(multi_, easy);
    Recycle(std::move(it->second));
    in_flight_.erase(it);
  }
}

void CurlTransport::Finish(Transfer& t, CURLcode result) {
  HttpResponse& r = t.response;
  long status = 0;
  curl_easy_getinfo(t.easy.get(), CURLINFO_RESPONSE_CODE, &status);
  curl_off_t total_us = 0;
  curl_easy_getinfo(t.easy.get(), CURLINFO_TOTAL_TIME_T, &total_us);
  r.status = static_cast<int>(status);
  r.elapsed = std::chrono::microseconds(total_us);
  r.failure = ClassifyFailure(result);
  if (!t.too_large.empty()) {
    r.failure = TransportFailure::kTooLarge;
    r.body = r.body.substr(0, kKeptBodyPrefix);  // a new, small string: the rest is freed now
    RedactSecrets(r.body, true);
    r.failure_message = t.too_large + "; it began: " + BodyStart(r.body);
  } else if (result == CURLE_ABORTED_BY_CALLBACK && t.sends > 1) {
    r.failure_message = kNotResent;
  } else if (r.failure != TransportFailure::kNone) {
    r.failure_message = t.error[0] != '\0' ? t.error : curl_easy_strerror(result);
  }
  // Every key the process holds is taken out of what the server sent before anything reads it:
  // codecs, the response cache, the journal and the terminal all see the redacted reply. A body
  // that ended early may end in a key's first bytes.
  RedactSecrets(r, r.failure != TransportFailure::kNone);
}

void CurlTransport::Cancel(uint64_t id) {
  auto it = in_flight_.find(id);
  if (it != in_flight_.end()) {
    curl_multi_remove_handle(multi_, it->second->easy.get());
    Recycle(std::move(it->second));
    in_flight_.erase(it);
  }
  std::erase_if(failed_to_start_, [id](const Completion& c) { return c.id == id; });
}

}  // namespace

std::unique_ptr<Transport> MakeCurlTransport(const CurlTransportOptions& options) {
  return std::make_unique<CurlTransport>(options);
}

}  // namespace taskcost
