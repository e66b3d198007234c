// taskcost mock: serves the bundled simulator on loopback until interrupted, for trying the
// harness offline, for other tools, and for the benchmarks (as its own process).
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <thread>

#include "harness/cli/cli.h"
#include "harness/cli/config_files.h"
#include "harness/cli/options.h"
#include "harness/mock/simulator.h"

namespace taskcost {
namespace {
std::atomic<bool> g_stop{false};
extern "C" void OnMockSignal(int) { g_stop.store(true); }
}  // namespace

int MockVerb(const std::vector<std::string>& args) {
  po::options_description options("mock options");
  std::string profile_path;
  SimulatorOptions sim_options;
  options.add_options()
      ("profile", po::value(&profile_path), "simulator profile YAML (default: "
       "configs/simulator.yaml in the working directory or above, the install's, the source "
       "tree's)")
      ("host", po::value(&sim_options.host)->default_value("127.0.0.1"), "address to listen on")
      ("port", po::value(&sim_options.port)->default_value(0), "port (0 = any free port)");
  po::positional_options_description positional;
  ParseOutcome parsed = ParseVerbArgs("mock", "[options]", args, options, positional);
  if (parsed.exit_code) return *parsed.exit_code;
  if (profile_path.empty()) profile_path = DefaultConfigPath("simulator.yaml", "");

  Result<SimulatorProfile> profile = LoadSimulatorProfile(profile_path);
  if (!profile.ok()) {
    PrintErrors(profile.errors());
    return kExitBadInput;
  }
  Result<std::unique_ptr<Simulator>> simulator =
      Simulator::Start(std::move(profile).value(), sim_options);
  if (!simulator.ok()) {
    PrintErrors(simulator.errors());
    return kExitIncomplete;
  }
  std::signal(SIGINT, OnMockSignal);
  std::signal(SIGTERM, OnMockSignal);
  std::printf("%s\n", (*simulator)->BaseUrl().c_str());
  std::fflush(stdout);
  std::fprintf(stderr,
               "taskcost: simulator listening on %s (OpenAI: %s/v1, Anthropic: %s); Ctrl-C stops\n",
               (*simulator)->BaseUrl().c_str(), (*simulator)->BaseUrl().c_str(),
               (*simulator)->BaseUrl().c_str());
  while (!g_stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  (*simulator)->Stop();
  return kExitOk;
}

}  // namespace taskcost
