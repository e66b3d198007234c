#include "tests/edge/scripted_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

namespace taskcost::testing {
namespace {

using SteadyTime = std::chrono::steady_clock::time_point;

// Binds a TCP socket to 127.0.0.1 port 0 and returns it with the port the kernel chose.
std::pair<int, int> BindLoopback() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot bind 127.0.0.1:0");
  }
  return {fd, ntohs(addr.sin_port)};
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// Takes one complete request off the front of `in`, or returns nothing while it is incomplete.
std::optional<ReceivedRequest> TakeRequest(std::string* in) {
  size_t head_end = in->find("\r\n\r\n");
  if (head_end == std::string::npos) return std::nullopt;
  std::string_view head(in->data(), head_end);
  ReceivedRequest request;
  size_t line_end = head.find("\r\n");
  std::string_view request_line = head.substr(0, line_end);
  size_t sp1 = request_line.find(' ');
  size_t sp2 = request_line.find(' ', sp1 + 1);
  request.method = std::string(request_line.substr(0, sp1));
  request.target = std::string(request_line.substr(sp1 + 1, sp2 - sp1 - 1));
  size_t content_length = 0;
  while (line_end != std::string_view::npos) {
    size_t start = line_end + 2;
    line_end = head.find("\r\n", start);
    std::string_view line = head.substr(start, line_end == std::string_view::npos
                                                   ? std::string_view::npos
                                                   : line_end - start);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    HttpHeader h{std::string(Trim(line.substr(0, colon))),
                 std::string(Trim(line.substr(colon + 1)))};
    if (FindHeader({h}, "content-length")) content_length = std::stoul(h.value);
    request.headers.push_back(std::move(h));
  }
  const size_t total = head_end + 4 + content_length;
  if (in->size() < total) return std::nullopt;
  request.body = in->substr(head_end + 4, content_length);
  in->erase(0, total);
  return request;
}

std::string ResponseHead(const Reply& reply) {
  std::string out = "HTTP/1.1 " + std::to_string(reply.status) + " Scripted\r\n";
  for (const HttpHeader& h : reply.headers) out += h.name + ": " + h.value + "\r\n";
  if (reply.action == Reply::Action::kEndless || reply.action == Reply::Action::kChunked) {
    out += "Transfer-Encoding: chunked\r\n";
  } else if (!FindHeader(reply.headers, "content-length")) {
    out += "Content-Length: " + std::to_string(reply.body.size()) + "\r\n";
  }
  return out + "\r\n";
}

// One HTTP/1.1 chunk holding `data`.
std::string Chunk(const std::string& data) {
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  return size + data + "\r\n";
}

enum class ConnState { kReading, kWaiting, kWriting, kStalled };

struct Connection {
  int fd = -1;
  int number = 0;
  ConnState state = ConnState::kReading;
  std::string in;
  std::string out;
  bool close_after_write = false;
  bool endless = false;  // refill `out` with another chunk whenever it empties
  Reply pending;
  SteadyTime due{};
};

}  // namespace

class ScriptedServer::Impl {
 public:
  explicit Impl(Script script) : script_(std::move(script)) {
    std::tie(listen_fd_, port_) = BindLoopback();
    ::fcntl(listen_fd_, F_SETFL, O_NONBLOCK);
    if (::listen(listen_fd_, 1024) != 0 || ::pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0) {
      ::close(listen_fd_);
      throw std::runtime_error("cannot listen on 127.0.0.1");
    }
    thread_ = std::thread([this] { Run(); });
  }

  ~Impl() {
    char byte = 1;
    while (::write(wake_[1], &byte, 1) < 0 && errno == EINTR) {
    }
    thread_.join();
    for (auto& [fd, conn] : connections_) ::close(fd);
    ::close(listen_fd_);
    ::close(wake_[0]);
    ::close(wake_[1]);
  }

  int port() const { return port_; }
  int connections_accepted() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return accepted_;
  }
  std::vector<ReceivedRequest> requests() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }

 private:
  void Run() {
    for (;;) {
      std::vector<pollfd> fds = {{wake_[0], POLLIN, 0}, {listen_fd_, POLLIN, 0}};
      for (auto& [fd, conn] : connections_) {
        short events = conn.state == ConnState::kWriting ? POLLOUT : POLLIN;
        if (conn.state == ConnState::kWaiting) events = 0;  // read more once answered
        fds.push_back({fd, events, 0});
      }
      ::poll(fds.data(), fds.size(), PollTimeoutMs());
      if (fds[0].revents != 0) return;
      if (fds[1].revents & POLLIN) AcceptAll();
      for (size_t i = 2; i < fds.size(); ++i) {
        if (fds[i].revents != 0) Service(fds[i].fd, fds[i].revents);
      }
      ActOnDueReplies();
    }
  }

  int PollTimeoutMs() const {
    std::optional<SteadyTime> next;
    for (const auto& [fd, conn] : connections_) {
      if (conn.state == ConnState::kWaiting && Received() >= conn.pending.after_requests &&
          (!next || conn.due < *next)) {
        next = conn.due;
      }
    }
    if (!next) return -1;
    auto wait = std::chrono::ceil<std::chrono::milliseconds>(*next - std::chrono::steady_clock::now());
    return static_cast<int>(std::max<int64_t>(0, wait.count()));
  }

  void AcceptAll() {
    for (;;) {
      int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) return;
      std::lock_guard<std::mutex> lock(mutex_);
      Connection conn;
      conn.fd = fd;
      conn.number = ++accepted_;
      connections_.emplace(fd, std::move(conn));
    }
  }

  void Service(int fd, short revents) {
    Connection& conn = connections_.at(fd);
    if (revents & (POLLIN | POLLHUP | POLLERR)) {
      char buffer[16384];
      ssize_t n = ::read(fd, buffer, sizeof buffer);
      if (n <= 0) {
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
        return Close(fd);  // the client went away
      }
      conn.in.append(buffer, static_cast<size_t>(n));
      if (conn.state == ConnState::kReading) NextRequest(conn);
    } else if (revents & POLLOUT) {
      WriteSome(conn);
    }
  }

  void NextRequest(Connection& conn) {
    std::optional<ReceivedRequest> request = TakeRequest(&conn.in);
    if (!request) return;
    request->connection = conn.number;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      requests_.push_back(*request);
    }
    conn.pending = script_(*request);
    conn.due = std::chrono::steady_clock::now() + conn.pending.delay;
    conn.state = ConnState::kWaiting;
  }

  void ActOnDueReplies() {
    const SteadyTime now = std::chrono::steady_clock::now();
    std::vector<int> due;
    for (const auto& [fd, conn] : connections_) {
      if (conn.state == ConnState::kWaiting && conn.due <= now &&
          Received() >= conn.pending.after_requests) {
        due.push_back(fd);
      }
    }
    for (int fd : due) Act(connections_.at(fd));
  }

  void Act(Connection& conn) {
    const Reply& reply = conn.pending;
    switch (reply.action) {
      case Reply::Action::kRespond:
        conn.out = ResponseHead(reply) + reply.body;
        break;
      case Reply::Action::kReset: {
        linger hard{1, 0};  // close with RST instead of FIN
        ::setsockopt(conn.fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
        return Close(conn.fd);
      }
      case Reply::Action::kPartialBody:
        conn.out = ResponseHead(reply) + reply.body.substr(0, reply.body.size() / 2);
        conn.close_after_write = true;
        break;
      case Reply::Action::kGarbage:
        conn.out = "SSH-2.0-definitely not http\r\n\r\n";
        conn.close_after_write = true;
        break;
      case Reply::Action::kStall:
        conn.state = ConnState::kStalled;
        return;
      case Reply::Action::kChunked:
        conn.out = ResponseHead(reply) + Chunk(reply.body) + "0\r\n\r\n";
        break;
      case Reply::Action::kEndless:
        conn.out = ResponseHead(reply) + Chunk(reply.body);
        conn.endless = true;
        break;
    }
    conn.state = ConnState::kWriting;
    WriteSome(conn);
  }

  void WriteSome(Connection& conn) {
    ssize_t n = ::send(conn.fd, conn.out.data(), conn.out.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) return;
      return Close(conn.fd);
    }
    conn.out.erase(0, static_cast<size_t>(n));
    if (conn.endless && conn.out.empty()) conn.out = Chunk(conn.pending.body);
    if (!conn.out.empty()) return;
    if (conn.close_after_write) return Close(conn.fd);
    conn.state = ConnState::kReading;
    NextRequest(conn);  // a request may already be waiting in the buffer
  }

  int Received() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return static_cast<int>(requests_.size());
  }

  void Close(int fd) {
    ::close(fd);
    connections_.erase(fd);
  }

  Script script_;
  int listen_fd_ = -1;
  int port_ = 0;
  int wake_[2] = {-1, -1};
  std::map<int, Connection> connections_;  // server thread only
  std::thread thread_;

  mutable std::mutex mutex_;
  int accepted_ = 0;                       // guarded by mutex_
  std::vector<ReceivedRequest> requests_;  // guarded by mutex_
};

ScriptedServer::ScriptedServer(Script script) : impl_(std::make_unique<Impl>(std::move(script))) {}
ScriptedServer::~ScriptedServer() = default;
int ScriptedServer::port() const { return impl_->port(); }
std::string ScriptedServer::Url(std::string_view target) const {
  return "http://127.0.0.1:" + std::to_string(port()) + std::string(target);
}
int ScriptedServer::connections_accepted() const { return impl_->connections_accepted(); }
std::vector<ReceivedRequest> ScriptedServer::requests() const { return impl_->requests(); }

RefusingPort::RefusingPort() { std::tie(fd_, port_) = BindLoopback(); }
RefusingPort::~RefusingPort() { ::close(fd_); }

}  // namespace taskcost::testing
