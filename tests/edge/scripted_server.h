// ScriptedServer: a loopback HTTP/1.1 server for transport tests. It listens on 127.0.0.1 port 0
// on its own thread and answers every request as its script says: a response after a delay, a
// connection reset, a partial body, bytes that are not HTTP, or silence. It keeps connections
// alive and counts them. All public methods are thread-safe; the script runs on the server thread.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "harness/core/model/http.h"

namespace taskcost::testing {

struct ReceivedRequest {
  std::string method;               // "POST"
  std::string target;               // "/v1/chat/completions"
  std::vector<HttpHeader> headers;  // as sent, in order
  std::string body;
  int connection = 0;               // 1-based number of the connection it came on
};

struct Reply {
  enum class Action {
    kRespond,      // status, headers and body, then keep the connection for the next request
    kReset,        // close at once with a TCP reset, answering nothing
    kPartialBody,  // status and headers announcing the whole body, half of it, then close
    kGarbage,      // bytes that are not HTTP, then close
    kStall,        // never answer; the connection stays open until the client gives up
    kChunked,      // status, headers and `body` as one chunk of a chunked body (no Content-Length)
    kEndless,      // status and headers, then a chunked body that never ends: `body` again and
                   // again until the client closes the connection
  };
  Action action = Action::kRespond;
  int status = 200;
  std::vector<HttpHeader> headers;     // Content-Length is added unless given
  std::string body;
  std::chrono::milliseconds delay{0};  // wait this long before acting
  int after_requests = 0;  // and until the server has received this many requests in all

  static Reply Respond(int status, std::string body, std::vector<HttpHeader> headers = {}) {
    Reply r;
    r.status = status;
    r.body = std::move(body);
    r.headers = std::move(headers);
    return r;
  }
  static Reply Chunked(int status, std::string body) {
    Reply r = Respond(status, std::move(body));
    r.action = Action::kChunked;
    return r;
  }
  static Reply Do(Action action) {
    Reply r;
    r.action = action;
    r.body = "{\"partial\":\"body that is cut off half way\"}";
    return r;
  }
};

using Script = std::function<Reply(const ReceivedRequest&)>;

class ScriptedServer {
 public:
  /// Starts listening and serving. Throws std::runtime_error when no socket can be had.
  explicit ScriptedServer(Script script);
  /// Stops the server thread and closes every connection.
  ~ScriptedServer();
  ScriptedServer(const ScriptedServer&) = delete;
  ScriptedServer& operator=(const ScriptedServer&) = delete;

  int port() const;
  /// "http://127.0.0.1:<port>" + target.
  std::string Url(std::string_view target = "/") const;
  /// Connections accepted so far.
  int connections_accepted() const;
  /// Every complete request received so far, in arrival order.
  std::vector<ReceivedRequest> requests() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

/// A port on 127.0.0.1 that refuses connections: bound, never listening, for as long as the
/// object lives.
class RefusingPort {
 public:
  RefusingPort();
  ~RefusingPort();
  RefusingPort(const RefusingPort&) = delete;
  RefusingPort& operator=(const RefusingPort&) = delete;
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

}  // namespace taskcost::testing
