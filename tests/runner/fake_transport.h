// FakeTransport: a scripted Transport for runner tests. Every started request is answered by
// `respond` at the next Poll, in the order started; nothing touches the network or the clock.
#pragma once

#include <deque>
#include <functional>
#include <utility>
#include <vector>

#include "harness/edge/transport.h"

namespace taskcost {

class FakeTransport : public Transport {
 public:
  using Responder = std::function<HttpResponse(const HttpRequest&)>;
  explicit FakeTransport(Responder respond) : respond_(std::move(respond)) {}

  void Start(uint64_t id, HttpRequest request) override {
    requests.push_back(request);
    pending_.emplace_back(id, std::move(request));
  }
  std::vector<Completion> Poll(std::chrono::milliseconds) override {
    std::vector<Completion> done;
    while (!pending_.empty()) {
      auto [id, request] = std::move(pending_.front());
      pending_.pop_front();
      done.push_back(Completion{id, respond_(request)});
    }
    return done;
  }
  void Cancel(uint64_t id) override {
    std::erase_if(pending_, [id](const auto& p) { return p.first == id; });
  }
  size_t InFlight() const override { return pending_.size(); }
  void Wake() override {}

  std::vector<HttpRequest> requests;  // every request started, in order

 private:
  Responder respond_;
  std::deque<std::pair<uint64_t, HttpRequest>> pending_;
};

}  // namespace taskcost
