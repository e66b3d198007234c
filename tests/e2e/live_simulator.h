// The simulator started by the test itself, for end-to-end tests that must see what the
// provider received (its Stats) or that need one provider across several taskcost processes
// (kill and resume): the run reaches it through a providers.yaml naming its port, as it would a
// real provider. Header-only test helper; Stats() is thread-safe, the rest is not synchronised.
#pragma once

#include <doctest/doctest.h>

#include <map>
#include <memory>
#include <string>

#include "harness/mock/simulator.h"

namespace taskcost {

/// The environment a run against LiveSimulator::Providers() needs: any key will do.
inline const std::map<std::string, std::string> kLiveSimKeys = {{"SIM_OPENAI_KEY", "k"},
                                                                 {"SIM_ANTHROPIC_KEY", "k"}};

class LiveSimulator {
 public:
  /// Loads the profile at `profile_path` and serves it on a free loopback port; a profile that
  /// does not load or a server that does not start fails the test.
  explicit LiveSimulator(const std::string& profile_path) {
    Result<SimulatorProfile> profile = LoadSimulatorProfile(profile_path);
    if (!profile.ok()) FAIL(profile.error().ToString());
    Result<std::unique_ptr<Simulator>> started = Simulator::Start(std::move(profile).value());
    if (!started.ok()) FAIL(started.error().ToString());
    server_ = std::move(started).value();
  }

  /// providers.yaml text, every provider at this simulator with room for all the requests the
  /// tests send at once: `sim` and `sim-2` (OpenAI format; two providers, as each has its own
  /// concurrency limit) and `sim-anthropic`.
  std::string Providers() const {
    const std::string base = server_->BaseUrl();
    const std::string openai =
        "{kind: openai, base_url: \"" + base + "/v1\", api_key_env: SIM_OPENAI_KEY, "
        "max_concurrency: 64}\n";
    return "providers:\n  sim: " + openai + "  sim-2: " + openai +
           "  sim-anthropic: {kind: anthropic, base_url: \"" + base +
           "\", api_key_env: SIM_ANTHROPIC_KEY, max_concurrency: 64}\n";
  }

  SimulatorStats Stats() const { return server_->Stats(); }

 private:
  std::unique_ptr<Simulator> server_;
};

}  // namespace taskcost
