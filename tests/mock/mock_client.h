// Test helpers for the simulator: a plain blocking HTTP/1.1 client over one TCP connection to
// 127.0.0.1 (no curl), request builders for both wire formats, and profile fixtures.
// Not synchronised: one client per thread.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "harness/core/model/http.h"
#include "harness/mock/simulator.h"

namespace taskcost::testing {

using Json = nlohmann::ordered_json;

struct RawResponse {
  int status = 0;
  std::vector<HttpHeader> headers;
  std::string body;

  std::string Header(std::string_view name) const {
    auto v = FindHeader(headers, name);
    return v ? std::string(*v) : std::string();
  }
  Json JsonBody() const { return Json::parse(body); }
};

class MockClient {
 public:
  explicit MockClient(int port, int timeout_seconds = 10) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{timeout_seconds, 0};  // a hung server fails the test instead of hanging it
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      throw std::runtime_error("cannot connect to the simulator");
    }
  }
  ~MockClient() { close(fd_); }
  MockClient(const MockClient&) = delete;
  MockClient& operator=(const MockClient&) = delete;

  void Send(const std::string& bytes) {
    size_t sent = 0;
    while (sent < bytes.size()) {
      ssize_t n = send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) throw std::runtime_error("send failed");
      sent += static_cast<size_t>(n);
    }
  }

  /// Reads one response; nullopt when the connection ends (closed or reset) before a full one.
  std::optional<RawResponse> Read() {
    size_t head_end;
    while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return std::nullopt;
    }
    RawResponse r;
    std::istringstream head(buffer_.substr(0, head_end));
    std::string line;
    std::getline(head, line);
    r.status = std::stoi(line.substr(9, 3));
    size_t length = 0;
    while (std::getline(head, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      HttpHeader h{line.substr(0, colon), line.substr(colon + 2)};
      if (h.name == "content-length") length = std::stoul(h.value);
      r.headers.push_back(h);
    }
    buffer_.erase(0, head_end + 4);
    if (r.status == 100) return Read();
    while (buffer_.size() < length) {
      if (!Fill()) return std::nullopt;
    }
    r.body = buffer_.substr(0, length);
    buffer_.erase(0, length);
    return r;
  }

  /// Reads the raw bytes of a "100 Continue" interim response, if that is what comes next.
  bool ReadContinue() {
    const std::string expected = "HTTP/1.1 100 Continue\r\n\r\n";
    while (buffer_.size() < expected.size()) {
      if (!Fill()) return false;
    }
    if (buffer_.compare(0, expected.size(), expected) != 0) return false;
    buffer_.erase(0, expected.size());
    return true;
  }

  RawResponse Request(const std::string& method, const std::string& path,
                      const std::vector<HttpHeader>& headers, const std::string& body) {
    std::string raw = method + " " + path + " HTTP/1.1\r\nhost: 127.0.0.1\r\n";
    for (const HttpHeader& h : headers) raw += h.name + ": " + h.value + "\r\n";
    if (method != "GET" || !body.empty())
      raw += "content-length: " + std::to_string(body.size()) + "\r\n";
    raw += "\r\n" + body;
    Send(raw);
    std::optional<RawResponse> r = Read();
    if (!r) throw std::runtime_error("the simulator closed the connection without a response");
    return *r;
  }

  /// True when the server ends the connection (FIN or RST) with no further byte.
  bool EndsWithoutBytes() {
    char c;
    ssize_t n = recv(fd_, &c, 1, 0);
    return buffer_.empty() && (n == 0 || (n < 0 && errno == ECONNRESET));
  }

  /// True when nothing has arrived yet (non-blocking peek).
  bool NothingReceived() {
    char c;
    ssize_t n = recv(fd_, &c, 1, MSG_DONTWAIT | MSG_PEEK);
    return buffer_.empty() && n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  }

 private:
  bool Fill() {
    char buf[16384];
    ssize_t n = recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return false;
    buffer_.append(buf, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  std::string buffer_;
};

inline std::string SourcePath(const std::string& relative) {
  return std::string(TASKCOST_SOURCE_DIR) + "/" + relative;
}

inline std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// The support-triage answer schema used by the fixtures.
inline Json TriageSchema() {
  return Json::parse(ReadText(SourcePath("tests/data/mock/schema.json")));
}

/// A profile whose answers come from the fixture samples; `models_yaml` is the models block.
inline SimulatorProfile FixtureProfile(const std::string& models_yaml,
                                       const std::string& top = "") {
  std::string yaml = "seed: 7\n" + top +
                     "answers:\n"
                     "  samples: suites/support-triage/samples.jsonl\n"
                     "  fields: {category: expected_category, priority: expected_priority}\n"
                     "models:\n" +
                     models_yaml;
  auto profile = ParseSimulatorProfile(yaml, SourcePath("tests/data/mock/fixture.yaml"));
  if (!profile.ok()) throw std::runtime_error(FormatErrors(profile.errors()));
  return profile.value();
}

inline std::unique_ptr<Simulator> StartSimulator(SimulatorProfile profile) {
  auto sim = Simulator::Start(std::move(profile));
  if (!sim.ok()) throw std::runtime_error(FormatErrors(sim.errors()));
  return std::move(sim).value();
}

/// An OpenAI chat request; native structured output when `schema` is given.
inline std::string OpenAiBody(const std::string& model, const std::string& user,
                              const std::optional<Json>& schema, const std::string& system = "") {
  Json body = {{"model", model}, {"messages", Json::array()}};
  if (!system.empty()) body["messages"].push_back({{"role", "system"}, {"content", system}});
  body["messages"].push_back({{"role", "user"}, {"content", user}});
  if (schema) {
    body["response_format"] = {
        {"type", "json_schema"},
        {"json_schema", {{"name", "answer"}, {"strict", true}, {"schema", *schema}}}};
  }
  body["max_completion_tokens"] = 400;
  return body.dump();
}

/// An Anthropic messages request; a forced tool when `schema` is given.
inline std::string AnthropicBody(const std::string& model, const std::string& user,
                                 const std::optional<Json>& schema,
                                 const std::string& system = "") {
  Json body = {{"model", model}, {"max_tokens", 400}};
  if (!system.empty()) body["system"] = system;
  body["messages"] = Json::array({{{"role", "user"}, {"content", user}}});
  if (schema) {
    body["tools"] = Json::array({{{"name", "answer"}, {"input_schema", *schema}}});
    body["tool_choice"] = {{"type", "tool"}, {"name", "answer"}};
  }
  return body.dump();
}

inline const std::vector<HttpHeader> kOpenAiHeaders = {{"content-type", "application/json"},
                                                       {"authorization", "Bearer sk-test"}};
inline const std::vector<HttpHeader> kAnthropicHeaders = {{"content-type", "application/json"},
                                                          {"x-api-key", "sk-ant-test"},
                                                          {"anthropic-version", "2023-06-01"}};

inline RawResponse PostOpenAi(int port, const std::string& body) {
  MockClient client(port);
  return client.Request("POST", "/v1/chat/completions", kOpenAiHeaders, body);
}

inline RawResponse PostAnthropic(int port, const std::string& body) {
  MockClient client(port);
  return client.Request("POST", "/v1/messages", kAnthropicHeaders, body);
}

}  // namespace taskcost::testing
