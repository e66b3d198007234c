// The simulator: a loopback HTTP server speaking the OpenAI Chat Completions and Anthropic
// Messages wire formats, with deterministic per-model behaviour (latency, tokens, accuracy,
// faults) read from a YAML profile. Profiles are plain data. A Simulator runs its own event-loop
// thread; its public methods are thread-safe. See docs/simulator.md.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/core/model/result.h"

namespace taskcost {

/// Which wire format may ask for a model.
enum class SimulatorApi { kAny, kOpenAi, kAnthropic };

/// Simulated latency of one answer, in milliseconds:
/// (base + per_output_token * output + per_input_token * input) * (1 + jitter * (2u - 1)),
/// u a deterministic draw in [0, 1). Error replies (429/5xx) wait error_ms instead.
struct LatencyModel {
  double base_ms = 0;
  double per_output_token_ms = 0;
  double per_input_token_ms = 0;
  double jitter = 0;               // fraction in [0, 1]
  std::optional<double> error_ms;  // default base_ms / 10
};

/// Prompt tokens reported in usage.
struct InputTokenModel {
  bool chars_div_4 = true;  // ceil(characters of every message and schema / 4)
  int64_t fixed = 0;        // used when chars_div_4 is false
};

/// Output tokens reported in usage (reasoning tokens are added on top).
struct OutputTokenModel {
  enum class Kind {
    kWords,      // ceil(base + per_field_word * words written into free-text fields)
    kFixed,      // always `fixed`
    kCharsDiv4,  // ceil(characters of the answer text / 4)
  };
  Kind kind = Kind::kWords;
  int64_t fixed = 0;
  double base = 20;
  double per_field_word = 1.3;
  int min_words = 5;  // words in each free-text string field: a draw in [min_words, max_words]
  int max_words = 15;
};

/// Fault probabilities per attempt. One draw u in [0, 1) picks at most one fault: the first
/// whose cumulative probability (in declaration order) exceeds u. They sum to at most 1.
struct FaultRates {
  double malformed_json = 0;    // answer text is broken JSON
  double schema_violation = 0;  // valid JSON that breaks the request's schema
  double rate_limit = 0;        // 429 with Retry-After
  double server_error = 0;      // 500
  double overloaded = 0;        // Anthropic 529 overloaded_error; OpenAI 503
  double truncated = 0;         // finish_reason "length" / stop_reason "max_tokens", cut mid-JSON
  double refusal = 0;           // the model declines
  double reset = 0;             // the connection is closed without an answer
  double stall = 0;             // the request is never answered
  int64_t slow_body_ms = 0;     // when > 0, every answer body is dribbled out over this long
  int64_t retry_after_s = 1;    // Retry-After of rate-limit (and overloaded) replies

  double Sum() const;
};

/// A provider rate limit the simulator enforces for real: requests and tokens per minute (0 =
/// no limit) in token buckets that hold `window_s` seconds' allowance (at least 1) and refill
/// continuously. Refused requests get 429 with Retry-After; see docs/simulator.md.
struct RateLimitProfile {
  int64_t requests_per_minute = 0;
  int64_t tokens_per_minute = 0;  // counted from each reply's usage: input + output
  double window_s = 1;            // in (0, 60]; 60 = a whole minute's burst at once

  bool enabled() const { return requests_per_minute > 0 || tokens_per_minute > 0; }
};

/// How one model behaves.
struct ModelProfile {
  std::string name;                       // what requests put in "model"
  SimulatorApi api = SimulatorApi::kAny;  // a request in the other format gets 404
  LatencyModel latency;
  double accuracy = 1.0;  // probability each mapped field gets the right value
  InputTokenModel input_tokens;
  OutputTokenModel output_tokens;
  double cached_input_fraction = 0;  // share of input tokens reported as cache reads
  double cache_write_fraction = 0;   // share reported as cache creation (Anthropic only)
  int64_t reasoning_tokens = 0;      // added to output tokens and reported apart
  // Plays the provider's prompt cache (docs/simulator.md, "Prompt caching") when > 0: the
  // shortest prefix, in tokens, that is cached. 0 = no prompt cache (the fractions above apply).
  int64_t cache_min_tokens = 0;
  bool quota_exhausted = false;      // every request: OpenAI 429 insufficient_quota /
                                     // Anthropic 400 credit balance too low
  FaultRates faults;
  std::vector<int> fault_attempts;  // attempts (1-based) faults apply to; empty = all
  RateLimitProfile rate_limit;      // this model's own limit, besides the profile's
  SourceLocation where;
};

/// One row of the answers file, reduced to what the simulator needs.
struct AnswerSample {
  std::string key;                              // the row's key_field value
  std::map<std::string, std::string> expected;  // output field -> right value as JSON text
  SourceLocation where;                         // file and line of the row
};

/// How the simulator knows the right answer: the sample whose key text appears in the user
/// message is the one being asked; mapped output fields take its values.
struct AnswerKey {
  bool present = false;
  std::string samples_file;  // resolved path of the JSONL file
  std::string key_field = "text";
  std::map<std::string, std::string> fields;  // output field (dotted path) -> sample field
  std::vector<AnswerSample> samples;
};

struct SimulatorProfile {
  std::string file;  // where it was loaded from; "" when built in code
  uint64_t seed = 0;
  bool require_key = false;  // when true, requests without a key get 401
  std::string api_key;       // when set (and require_key), the only key accepted
  AnswerKey answers;
  RateLimitProfile rate_limit;  // shared by every model
  std::vector<ModelProfile> models;

  const ModelProfile* FindModel(const std::string& name) const;
};

/// Reads and checks a profile. Errors read "file:line:col: path: message"; relative paths
/// inside (answers.samples) resolve against the profile's directory.
Result<SimulatorProfile> LoadSimulatorProfile(const std::string& path);
/// The same from text; `file` names it in errors and anchors relative paths.
Result<SimulatorProfile> ParseSimulatorProfile(const std::string& yaml, const std::string& file);

struct SimulatorOptions {
  std::string host = "127.0.0.1";  // an IPv4 address to bind
  int port = 0;                    // 0 = any free port; read it back with Simulator::port()
};

/// A thread-safe snapshot of what the simulator has done since it started.
struct SimulatorStats {
  int64_t requests = 0;                   // complete HTTP requests received
  std::map<int, int64_t> by_status;       // responses whose status line was sent, by status
  std::map<std::string, int64_t> faults;  // injected faults by name ("rate_limit", ...)
  int64_t rate_limited = 0;               // 429s sent because a rate_limit window was full
  int64_t resets = 0;                     // connections closed without an answer (reset fault)
  int64_t stalls = 0;                     // requests left unanswered (stall fault)
  int64_t connections_accepted = 0;
  int64_t connections_open = 0;
  int64_t peak_connections_open = 0;
  int64_t in_flight = 0;  // requests received and not yet fully answered
  int64_t peak_in_flight = 0;
  double cpu_seconds = 0;  // CPU time of the event-loop thread, user + system
};

namespace mock {
class HttpServer;
class Responder;
}  // namespace mock

/// The running server. Start returns once it is listening; Stop (or the destructor) closes
/// every connection and joins the loop thread.
class Simulator {
 public:
  static Result<std::unique_ptr<Simulator>> Start(SimulatorProfile profile,
                                                  SimulatorOptions options = {});
  ~Simulator();
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  int port() const;
  std::string BaseUrl() const;   // "http://127.0.0.1:PORT", no trailing slash, no /v1
  SimulatorStats Stats() const;  // thread-safe snapshot
  void Stop();                   // idempotent

 private:
  Simulator() = default;
  std::string host_;
  std::unique_ptr<mock::Responder> responder_;  // used by the loop thread only
  std::unique_ptr<mock::HttpServer> server_;    // declared last: stops first
};

}  // namespace taskcost
