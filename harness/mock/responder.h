// The simulator's behaviour (internal): turns one HTTP request into the reply a model with the
// profile's behaviour would give: route, auth, model lookup, attempt counting, deterministic
// draws, answer generation, faults, usage and latency. No sockets and no clock (the reply says
// how long to wait). Handle() is called from one thread; FaultCounts() from any.
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
};

class Responder {
 public:
  explicit Responder(SimulatorProfile profile);

  /// The reply to `request`. Not thread-safe: call from the event-loop thread only.
  MockReply Handle(const MockRequest& request);
  /// Injected faults so far, by name. Thread-safe.
  std::map<std::string, int64_t> FaultCounts() const;

 private:
  MockReply Chat(const WireFormat& wire, const MockRequest& request);
  MockReply Answer(const WireFormat& wire, const CallInfo& call, const ModelProfile& model,
                   int attempt);
  MockReply Models(const WireFormat& wire) const;
  MockReply FailureReply(const WireFormat& wire, const Failure& failure, const ReplyIds& ids,
                         std::chrono::microseconds delay) const;
  std::optional<Failure> CheckKey(const WireFormat& wire, const MockRequest& request) const;
  /// The cached CallInfo of a body (by `body_hash`), parsing it on first sight.
  std::variant<const CallInfo*, Failure> Understand(const WireFormat& wire, const std::string& body,
                                                    uint64_t body_hash);
  Completion Compose(const CallInfo& call, const ModelProfile& model, const Draws& draws,
                     Fault fault);
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

  mutable std::mutex mutex_;
  std::map<std::string, int64_t> fault_counts_;  // guarded by mutex_
};

}  // namespace taskcost::mock
