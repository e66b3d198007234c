// The simulator's behaviour (internal): turns one HTTP request into the reply a model with the
// profile's behaviour would give: route, auth, model lookup, rate-limit windows, attempt
// counting, deterministic draws, answer generation, faults, usage and latency. No sockets and no
// clock: the request says when it arrived, the reply how long to wait. Handle() is called from
// one thread; FaultCounts() and RateLimited() from any.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "harness/mock/http_server.h"
#include "harness/mock/prompt_cache.h"
#include "harness/mock/rate_window.h"
#include "harness/mock/schema_answer.h"
#include "harness/mock/simulator.h"
#include "harness/mock/wire.h"

namespace taskcost::mock {

/// The fault an attempt suffers, if any (FaultRates order).
enum class Fault {
  kNone,
  kMalformedJson,
  kSchemaViolation,
  kRateLimit,
  kServerError,
  kOverloaded,
  kTruncated,
  kRefusal,
  kReset,
  kStall,
};
std::string_view FaultName(Fault f);  // "malformed_json", ...

/// What a reply needs from one distinct request body; parsed once, then reused for retries.
struct CallInfo {
  std::string model;
  int64_t chars = 0;                   // for input_tokens: chars_div_4
  std::shared_ptr<const Json> schema;  // native, or found in the prompt; null = generic answer
  std::string tool_name;               // Anthropic forced tool
  std::optional<int64_t> max_tokens;
  int sample = -1;        // index into the answers, -1 = none matched
  uint64_t key_hash = 0;  // hash of the sample key, else of the user text
  std::string graded;     // an LLM judge's request: the answer it is asked to grade
  std::vector<CachePrefix> cache_prefixes;  // ParsedCall's
  int64_t cache_ttl_ms = 0;
  bool anthropic = false;  // which provider's caching rules apply
};

class Responder {
 public:
  explicit Responder(SimulatorProfile profile);

  /// The reply to `request`. Not thread-safe: call from the event-loop thread only.
  MockReply Handle(const MockRequest& request);
  /// Injected faults so far, by name. Thread-safe.
  std::map<std::string, int64_t> FaultCounts() const;
  /// 429s sent because a rate_limit window was full. Thread-safe.
  int64_t RateLimited() const;

 private:
  /// A reply decided but not yet sent: the fault it carries and the tokens its usage reports.
  struct Answered {
    MockReply reply;
    Fault fault = Fault::kNone;
    int64_t tokens = 0;
  };

  MockReply Chat(const WireFormat& wire, const MockRequest& request);
  /// Which attempt of its task a request is: the client's x-taskcost-attempt and
  /// x-taskcost-repeat when it sends them (taskcost does under --simulate), else the number of
  /// times this body was seen before, plus one, with repeat 0.
  struct AttemptOf {
    int attempt = 1;
    int repeat = 0;
  };
  Answered Answer(const WireFormat& wire, const CallInfo& call, const ModelProfile& model,
                  AttemptOf attempt, bool windowed);
  /// The attempt the client names, if it names a valid one.
  static std::optional<AttemptOf> ClientAttempt(const std::vector<HttpHeader>& headers);
  /// The rate_limit windows `model` is subject to (the profile's, its own); none when unlimited.
  std::vector<RateWindow*> WindowsOf(const ModelProfile& model);
  /// Charges `answered` to the windows and adds their headers; a 429 when one is full.
  std::optional<MockReply> Admit(const WireFormat& wire, const ModelProfile& model,
                                 const std::vector<RateWindow*>& windows, Answered& answered,
                                 const MockRequest& request);
  MockReply Models(const WireFormat& wire) const;
  /// `fault_headers`: an injected 429 carries made-up rate-limit headers (none when a window
  /// supplies the real ones).
  MockReply FailureReply(const WireFormat& wire, const Failure& failure, const ReplyIds& ids,
                         std::chrono::microseconds delay, bool fault_headers = true) const;
  std::optional<Failure> CheckKey(const WireFormat& wire, const MockRequest& request) const;
  /// The cached CallInfo of a body (by `body_hash`), parsing it on first sight.
  std::variant<const CallInfo*, Failure> Understand(const WireFormat& wire, const std::string& body,
                                                    uint64_t body_hash);
  Completion Compose(const CallInfo& call, const ModelProfile& model, const Draws& draws,
                     Fault fault);
  /// The prompt cache's reads and writes for `c` (cache_min_tokens > 0), on the request's time.
  void UseCache(const CallInfo& call, const ModelProfile& model, Completion& c);
  std::shared_ptr<const Json> SchemaOf(const ParsedCall& call);
  std::shared_ptr<const Json> PromptSchema(const std::string& text);
  int FindSample(const std::string& user_text) const;
  Fault PickFault(const ModelProfile& model, const Draws& draws, int attempt) const;
  void CountFault(Fault fault);
  ReplyIds NextIds(const WireFormat& wire);

  SimulatorProfile profile_;
  std::vector<std::map<std::string, Json>> expected_;      // per sample: field -> right value
  std::map<std::string, std::vector<Json>> alternatives_;  // field -> distinct sample values
  std::unordered_map<uint64_t, int> attempts_;             // hash(format, body) -> times seen
  std::unordered_map<uint64_t, CallInfo> calls_;           // hash(format, body) -> parsed
  std::unordered_map<uint64_t, std::shared_ptr<const Json>> schemas_;  // by text hash
  uint64_t sequence_ = 0;  // ids of replies before a model
  std::optional<RateWindow> shared_window_;               // profile.rate_limit
  std::unordered_map<std::string, RateWindow> model_windows_;  // by model name
  int64_t now_unix_ms_ = 0;  // of the request being handled
  PromptCache prompt_cache_;  // models with cache_min_tokens

  mutable std::mutex mutex_;
  std::map<std::string, int64_t> fault_counts_;  // guarded by mutex_
  int64_t rate_limited_ = 0;                     // guarded by mutex_
};

}  // namespace taskcost::mock
