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
#include <vector>

#include "harness/mock/http_server.h"
#include "harness/mock/schema_answer.h"
#include "harness/mock/simulator.h"
#include "harness/mock/wire.h"

namespace taskcost::mock {

/// The fault an attempt suffers, if any (FaultRates order).
enum class Fault {
  kNone, kMalformedJson, kSchemaViolation, kRateLimit, kServerError, kOverloaded, kTruncated,
  kRefusal, kReset, kStall,
};
std::string_view FaultName(Fault f);  // "malformed_json", ...

class Responder {
 public:
  explicit Responder(SimulatorProfile profile);

  /// The reply to `request`. Not thread-safe: call from the event-loop thread only.
  MockReply Handle(const MockRequest& request);
  /// Injected faults so far, by name. Thread-safe.
  std::map<std::string, int64_t> FaultCounts() const;

 private:
  MockReply Chat(const WireFormat& wire, const MockRequest& request);
  MockReply Models(const WireFormat& wire) const;
  MockReply FailureReply(const WireFormat& wire, const Failure& failure, const ReplyIds& ids,
                         std::chrono::microseconds delay) const;
  std::optional<Failure> CheckKey(const WireFormat& wire, const MockRequest& request) const;
  Completion Compose(const ParsedCall& call, const ModelProfile& model, const Draws& draws,
                     Fault fault, int sample);
  const Json* PromptSchema(const ParsedCall& call);
  int FindSample(const std::string& user_text);
  Fault PickFault(const ModelProfile& model, const Draws& draws, int attempt) const;
  void CountFault(Fault fault);
  ReplyIds NextIds(const WireFormat& wire);

  SimulatorProfile profile_;
  std::vector<std::map<std::string, Json>> expected_;      // per sample: field -> right value
  std::map<std::string, std::vector<Json>> alternatives_;  // field -> distinct sample values
  std::unordered_map<uint64_t, int> attempts_;             // hash(model, body) -> times seen
  std::unordered_map<uint64_t, int> sample_of_text_;       // hash(user text) -> sample or -1
  std::unordered_map<uint64_t, std::shared_ptr<const Json>> schema_of_text_;  // prompt mode
  uint64_t sequence_ = 0;                                  // ids of replies before a model

  mutable std::mutex mutex_;
  std::map<std::string, int64_t> fault_counts_;  // guarded by mutex_
};

}  // namespace taskcost::mock
