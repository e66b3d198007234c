#include "harness/mock/http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "harness/mock/http_parse.h"

namespace taskcost::mock {

namespace {
constexpr size_t kMaxHeadBytes = 64 * 1024;
constexpr size_t kMaxBodyBytes = 32 * 1024 * 1024;
constexpr int kSlowChunks = 5;

int64_t NowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string OsError(const std::string& what) { return what + ": " + std::strerror(errno); }
}  // namespace

/// One client connection and the request it is being answered for.
struct Connection {
  int fd = -1;
  uint64_t serial = 0;
  bool closed = false;

  std::string in;                   // received, not yet consumed
  size_t scanned = 0;               // bytes of `in` already searched for the end of the head
  std::optional<RequestHead> head;  // parsed head of the request whose body is arriving
  bool continue_sent = false;

  bool busy = false;     // a request is being answered; later input waits
  bool stalled = false;  // never answer again; discard input until the client leaves
  bool counted_in_flight = false;
  bool keep_alive = true;
  bool close_after_flush = false;
  bool reply_done = false;  // every byte of the reply is queued
  MockReply reply;
  enum class Next { kExecute, kChunk } next = Next::kExecute;
  size_t body_sent = 0;
  int chunks_left = 0;
  std::chrono::nanoseconds chunk_gap{0};

  std::string out;
  size_t out_pos = 0;
  bool watching_write = false;
};

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const std::string& host, int port,
                                                      RequestHandler handler) {
  if (port < 0 || port > 65535) {
    return MakeError("port " + std::to_string(port) + " is out of range");
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const std::string ip = host == "localhost" ? "127.0.0.1" : host;
  if (inet_pton(AF_INET, ip.c_str(), &addr.sin_addr) != 1) {
    return MakeError("\"" + host + "\" is not an IPv4 address");
  }
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return MakeError(OsError("cannot create a socket"));
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  const std::string where = host + ":" + std::to_string(port);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(fd, 4096) != 0) {
    Error e = MakeError(OsError("cannot listen on " + where));
    close(fd);
    return e;
  }
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  int wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (epoll_fd < 0 || wake_fd < 0) {
    Error e = MakeError(OsError("cannot create the event loop"));
    for (int f : {fd, epoll_fd, wake_fd}) {
      if (f >= 0) close(f);
    }
    return e;
  }
  std::unique_ptr<HttpServer> server(
      new HttpServer(fd, epoll_fd, wake_fd, ntohs(addr.sin_port), std::move(handler)));
  server->thread_ = std::thread([s = server.get()] { s->Run(); });
  return server;
}

HttpServer::HttpServer(int listen_fd, int epoll_fd, int wake_fd, int port, RequestHandler handler)
    : listen_fd_(listen_fd),
      epoll_fd_(epoll_fd),
      wake_fd_(wake_fd),
      port_(port),
      handler_(std::move(handler)) {
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = listen_fd_;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &ev);
  ev.data.fd = wake_fd_;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev);
  reserve_fd_ = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Stop() {
  std::call_once(stop_once_, [this] {
    stopping_ = true;
    uint64_t one = 1;
    [[maybe_unused]] ssize_t n = write(wake_fd_, &one, sizeof one);
    if (thread_.joinable()) thread_.join();
    for (auto& c : connections_) {
      if (c) close(c->fd);
    }
    connections_.clear();
    for (int fd : {listen_fd_, epoll_fd_, wake_fd_, reserve_fd_}) {
      if (fd >= 0) close(fd);
    }
  });
}

SimulatorStats HttpServer::Stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stats_;
}

void HttpServer::Run() {
  std::vector<epoll_event> events(512);
  while (!stopping_) {
    int n = epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()),
                       WaitMillis(NowNanos()));
    for (int i = 0; i < n && !stopping_; ++i) {
      const int fd = events[i].data.fd;
      if (fd == listen_fd_) {
        Accept();
        continue;
      }
      if (fd == wake_fd_) continue;
      if (fd < 0 || static_cast<size_t>(fd) >= connections_.size() || !connections_[fd]) continue;
      Connection& c = *connections_[fd];
      if (events[i].events & EPOLLOUT) OnWritable(c);
      if (!c.closed && (events[i].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))) {
        OnReadable(c);
      }
    }
    RunTimers(NowNanos());
    closed_.clear();
    UpdateCpu();
  }
}

int HttpServer::WaitMillis(int64_t now_ns) const {
  if (timers_.empty()) return -1;
  int64_t wait_ns = timers_.front().due_ns - now_ns;
  if (wait_ns <= 0) return 0;
  return static_cast<int>(std::min<int64_t>((wait_ns + 999'999) / 1'000'000, 60'000));
}

void HttpServer::UpdateCpu() {
  rusage usage{};
  if (getrusage(RUSAGE_THREAD, &usage) != 0) return;
  double seconds = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                   static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  Count([&](SimulatorStats& s) { s.cpu_seconds = seconds; });
}

void HttpServer::Accept() {
  for (;;) {
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if ((errno == EMFILE || errno == ENFILE) && reserve_fd_ >= 0) {
        // Out of descriptors: accept and drop one connection so the listener does not spin.
        close(reserve_fd_);
        int shed = accept(listen_fd_, nullptr, nullptr);
        if (shed >= 0) close(shed);
        reserve_fd_ = open("/dev/null", O_RDONLY | O_CLOEXEC);
        continue;
      }
      return;  // EAGAIN, or an error the next wake-up will retry
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP;
    ev.data.fd = fd;
    epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
    if (static_cast<size_t>(fd) >= connections_.size()) connections_.resize(fd + 1);
    connections_[fd] = std::make_unique<Connection>();
    connections_[fd]->fd = fd;
    connections_[fd]->serial = next_serial_++;
    Count([](SimulatorStats& s) {
      ++s.connections_accepted;
      s.peak_connections_open = std::max(s.peak_connections_open, ++s.connections_open);
    });
  }
}

void HttpServer::OnReadable(Connection& c) {
  char buf[64 * 1024];
  for (;;) {
    ssize_t n = recv(c.fd, buf, sizeof buf, 0);
    if (n > 0) {
      if (!c.stalled) c.in.append(buf, static_cast<size_t>(n));
      if (c.in.size() > kMaxBodyBytes + kMaxHeadBytes) return Close(c, false);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    return Close(c, false);  // the peer closed (n == 0) or the socket failed
  }
  Parse(c);
}

void HttpServer::OnWritable(Connection& c) {
  Flush(c);
  if (!c.closed) Parse(c);
}

void HttpServer::Parse(Connection& c) {
  while (!c.closed && !c.busy && !c.stalled) {
    if (!c.head) {
      size_t from = c.scanned > 3 ? c.scanned - 3 : 0;
      size_t end = c.in.find("\r\n\r\n", from);
      if (end == std::string::npos) {
        c.scanned = c.in.size();
        if (c.in.size() > kMaxHeadBytes) RejectAndClose(c, 431, "request head too large");
        return;
      }
      if (!ParseHead(c)) return;
    }
    const size_t need = c.head->head_bytes + c.head->content_length;
    if (c.in.size() < need) {
      if (c.head->expect_continue && !c.continue_sent) {
        c.continue_sent = true;
        Queue(c, "HTTP/1.1 100 Continue\r\n\r\n");
        Flush(c);
      }
      return;
    }
    MockRequest request = std::move(c.head->request);
    request.body.assign(c.in, c.head->head_bytes, c.head->content_length);
    c.in.erase(0, need);
    c.keep_alive = c.head->keep_alive;
    c.head.reset();
    c.scanned = 0;
    c.continue_sent = false;
    Dispatch(c, std::move(request));
  }
}

bool HttpServer::ParseHead(Connection& c) {
  HeadResult parsed = ParseRequestHead(c.in);
  if (auto* problem = std::get_if<HeadProblem>(&parsed)) {
    RejectAndClose(c, problem->status, problem->message);
    return false;
  }
  RequestHead& head = std::get<RequestHead>(parsed);
  if (head.content_length > kMaxBodyBytes) {
    RejectAndClose(c, 413, "request body larger than 32 MB");
    return false;
  }
  c.head = std::move(head);
  return true;
}

void HttpServer::Dispatch(Connection& c, MockRequest request) {
  c.busy = true;
  c.reply_done = false;
  c.counted_in_flight = true;
  Count([](SimulatorStats& s) {
    ++s.requests;
    s.peak_in_flight = std::max(s.peak_in_flight, ++s.in_flight);
  });
  request.received = std::chrono::steady_clock::now();
  request.received_unix_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
  try {
    c.reply = handler_(request);
  } catch (const std::exception& e) {
    c.reply = MockReply{};
    c.reply.status = 500;
    c.reply.headers = {{"content-type", "application/json"}};
    c.reply.body = JsonErrorBody(std::string("simulator internal error: ") + e.what());
  }
  if (c.reply.action == ReplyAction::kStall) {
    c.stalled = true;
    c.in.clear();
    Count([](SimulatorStats& s) { ++s.stalls; });
    return;
  }
  c.next = Connection::Next::kExecute;
  if (c.reply.delay.count() > 0) {
    Schedule(c, c.reply.delay);
  } else {
    Execute(c);
  }
}

void HttpServer::Execute(Connection& c) {
  if (c.reply.action == ReplyAction::kReset) {
    Count([](SimulatorStats& s) { ++s.resets; });
    return Close(c, true);
  }
  SendHead(c);
}

void HttpServer::SendHead(Connection& c) {
  const MockReply& r = c.reply;
  Count([&](SimulatorStats& s) { ++s.by_status[r.status]; });
  Queue(c, FormatResponseHead(r.status, r.headers, r.body.size(), c.keep_alive));
  if (r.slow_body.count() > 0 && !r.body.empty()) {
    c.body_sent = 0;
    c.chunks_left = static_cast<int>(std::min<size_t>(kSlowChunks, r.body.size()));
    c.chunk_gap = std::chrono::duration_cast<std::chrono::nanoseconds>(r.slow_body) / c.chunks_left;
    c.next = Connection::Next::kChunk;
    Schedule(c, c.chunk_gap);
    Flush(c);
    return;
  }
  Queue(c, r.body);
  FinishReply(c);
}

void HttpServer::SendNextChunk(Connection& c) {
  const size_t remaining = c.reply.body.size() - c.body_sent;
  const size_t size = (remaining + c.chunks_left - 1) / c.chunks_left;
  Queue(c, std::string_view(c.reply.body).substr(c.body_sent, size));
  c.body_sent += size;
  if (--c.chunks_left > 0) {
    Schedule(c, c.chunk_gap);
    Flush(c);
    return;
  }
  FinishReply(c);
}

void HttpServer::FinishReply(Connection& c) {
  c.reply_done = true;
  c.reply = MockReply{};
  if (c.counted_in_flight) {
    c.counted_in_flight = false;
    Count([](SimulatorStats& s) { --s.in_flight; });
  }
  if (!c.keep_alive) c.close_after_flush = true;
  Flush(c);
}

void HttpServer::RejectAndClose(Connection& c, int status, const std::string& message) {
  c.busy = true;
  c.close_after_flush = true;
  Count([&](SimulatorStats& s) { ++s.by_status[status]; });
  std::string body = JsonErrorBody(message);
  Queue(c, FormatResponseHead(status, {{"content-type", "application/json"}}, body.size(), false));
  Queue(c, body);
  Flush(c);
}

void HttpServer::Queue(Connection& c, std::string_view bytes) { c.out.append(bytes); }

void HttpServer::Flush(Connection& c) {
  while (c.out_pos < c.out.size()) {
    ssize_t n = send(c.fd, c.out.data() + c.out_pos, c.out.size() - c.out_pos, MSG_NOSIGNAL);
    if (n > 0) {
      c.out_pos += static_cast<size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      return WatchWritable(c, true);
    } else {
      return Close(c, false);
    }
  }
  c.out.clear();
  c.out_pos = 0;
  WatchWritable(c, false);
  if (c.close_after_flush) return Close(c, false);
  if (c.reply_done) {
    c.reply_done = false;
    c.busy = false;
  }
}

void HttpServer::WatchWritable(Connection& c, bool on) {
  if (c.watching_write == on) return;
  c.watching_write = on;
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLRDHUP | (on ? EPOLLOUT : 0u);
  ev.data.fd = c.fd;
  epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c.fd, &ev);
}

void HttpServer::Schedule(Connection& c, std::chrono::nanoseconds after) {
  timers_.push_back(Timer{NowNanos() + after.count(), next_sequence_++, c.fd, c.serial});
  std::push_heap(timers_.begin(), timers_.end(), std::greater<Timer>());
}

void HttpServer::RunTimers(int64_t now_ns) {
  while (!timers_.empty() && timers_.front().due_ns <= now_ns) {
    std::pop_heap(timers_.begin(), timers_.end(), std::greater<Timer>());
    Timer t = timers_.back();
    timers_.pop_back();
    if (t.fd < 0 || static_cast<size_t>(t.fd) >= connections_.size()) continue;
    Connection* c = connections_[t.fd].get();
    if (!c || c->serial != t.serial) continue;  // the connection closed meanwhile
    if (c->next == Connection::Next::kChunk) {
      SendNextChunk(*c);
    } else {
      Execute(*c);
    }
    if (!c->closed) Parse(*c);
  }
}

void HttpServer::Close(Connection& c, bool reset) {
  if (c.closed) return;
  c.closed = true;
  if (reset) {
    linger hard{1, 0};  // close with RST: the client sees a reset, not a clean end
    setsockopt(c.fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
  }
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, c.fd, nullptr);
  close(c.fd);
  const bool in_flight = c.counted_in_flight;
  Count([&](SimulatorStats& s) {
    --s.connections_open;
    if (in_flight) --s.in_flight;
  });
  closed_.push_back(std::move(connections_[c.fd]));
}

}  // namespace taskcost::mock
