// The simulator's HTTP/1.1 server (internal): one thread, epoll, non-blocking sockets,
// keep-alive, Content-Length bodies, Expect: 100-continue, and a min-heap of timers for delayed,
// dribbled or never-sent replies. The handler runs on the loop thread. Start, port, Stats and
// Stop are thread-safe; the handler is called from the loop thread only.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "harness/core/model/http.h"
#include "harness/core/model/result.h"
#include "harness/mock/simulator.h"

namespace taskcost::mock {

/// One complete HTTP request as received.
struct MockRequest {
  std::string method;               // "POST"
  std::string target;               // "/v1/chat/completions?x=1", as sent
  std::vector<HttpHeader> headers;  // names as sent
  std::string body;
  std::chrono::steady_clock::time_point received{};  // when the request was complete
  int64_t received_unix_ms = 0;                      // the same on the wall clock
};

/// What to do with a request.
enum class ReplyAction {
  kRespond,  // send status, headers and body after `delay`
  kReset,    // after `delay`, close the connection without a byte of reply (TCP RST)
  kStall,    // never answer; the connection stays open until the client gives up
};

struct MockReply {
  ReplyAction action = ReplyAction::kRespond;
  int status = 200;
  std::vector<HttpHeader> headers;  // Content-Length and Connection are added by the server
  std::string body;
  std::chrono::microseconds delay{0};      // before the status line
  std::chrono::milliseconds slow_body{0};  // when > 0, the body is sent in chunks over this long
};

using RequestHandler = std::function<MockReply(const MockRequest&)>;

struct Connection;

class HttpServer {
 public:
  /// Binds host:port (port 0 = any free port), starts the loop thread and returns once it
  /// listens. Errors: the bind/listen failure with the OS's reason.
  static Result<std::unique_ptr<HttpServer>> Start(const std::string& host, int port,
                                                   RequestHandler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int port() const { return port_; }
  /// Counters kept by the server (everything in SimulatorStats except `faults`).
  SimulatorStats Stats() const;
  /// Closes the listener and every connection, then joins the loop thread. Idempotent.
  void Stop();

 private:
  struct Timer {
    int64_t due_ns;
    uint64_t sequence;
    int fd;
    uint64_t serial;
    bool operator>(const Timer& o) const {
      return due_ns != o.due_ns ? due_ns > o.due_ns : sequence > o.sequence;
    }
  };
  HttpServer(int listen_fd, int epoll_fd, int wake_fd, int port, RequestHandler handler);
  void Run();
  void RunTimers(int64_t now_ns);
  int WaitMillis(int64_t now_ns) const;
  void Accept();
  void OnReadable(Connection& c);
  void OnWritable(Connection& c);
  void Parse(Connection& c);
  bool ParseHead(Connection& c);
  void Dispatch(Connection& c, MockRequest request);
  void Execute(Connection& c);
  void SendHead(Connection& c);
  void SendNextChunk(Connection& c);
  void FinishReply(Connection& c);
  void RejectAndClose(Connection& c, int status, const std::string& message);
  void Queue(Connection& c, std::string_view bytes);
  void Flush(Connection& c);
  void WatchWritable(Connection& c, bool on);
  void Schedule(Connection& c, std::chrono::nanoseconds after);
  void Close(Connection& c, bool reset);
  void UpdateCpu();
  template <class F>
  void Count(F update) {
    std::lock_guard<std::mutex> lock(mutex_);
    update(stats_);
  }

  const int listen_fd_;
  const int epoll_fd_;
  const int wake_fd_;
  const int port_;
  RequestHandler handler_;
  std::vector<std::unique_ptr<Connection>> connections_;  // by fd
  std::vector<Timer> timers_;                             // min-heap on (due_ns, sequence)
  uint64_t next_serial_ = 1;
  uint64_t next_sequence_ = 1;
  std::vector<std::unique_ptr<Connection>> closed_;  // freed at the end of each loop turn
  int reserve_fd_ = -1;                              // released to shed load on EMFILE

  // Counters change under mutex_ before the bytes they count are sent, so a client that has
  // seen a reply also sees it counted.
  mutable std::mutex mutex_;
  SimulatorStats stats_;  // guarded by mutex_
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  std::once_flag stop_once_;
};

}  // namespace taskcost::mock
