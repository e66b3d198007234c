// curl_baseline: the yardstick for the harness's CPU per attempt. A minimal libcurl-multi client
// loop that sends the very requests `taskcost run` would send for a suite (built up front with
// the harness's own plan and codec, outside the measurement) at a fixed concurrency, keeps each
// reply body, and does nothing else: no parsing, validation, pricing or journal. Prints one JSON
// line with the loop's own CPU (getrusage around the loop only) and wall time.
//
//   curl_baseline --suite SUITE.yaml --repeat N --concurrency C
#include <curl/curl.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "harness/core/prices/pricing.h"
#include "harness/core/loading/providers_config.h"
#include "harness/core/loading/suite_loader.h"
#include "harness/runner/run_plan.h"

namespace taskcost::bench {
namespace {

struct Args {
  std::string suite;
  int repeat = 1;
  int concurrency = 64;
};

// A request ready for curl: URL, body and header list, built before the clock starts.
struct Prepared {
  std::string url;
  std::string body;
  curl_slist* headers = nullptr;
};

struct Slot {
  CURL* easy = nullptr;
  std::string reply;
};

size_t KeepBody(char* data, size_t size, size_t count, void* user) {
  static_cast<Slot*>(user)->reply.append(data, size * count);
  return size * count;
}

Result<std::vector<Prepared>> Prepare(const Args& args) {
  Result<Suite> suite = LoadSuite(args.suite);
  if (!suite.ok()) return suite.errors();
  Result<ProviderCatalog> providers = LoadProviderCatalog(suite->providers_file);
  if (!providers.ok()) return providers.errors();
  Result<PriceCatalog> prices = LoadPriceCatalog(suite->prices_file);
  if (!prices.ok()) return prices.errors();
  KeyLookup keys;
  for (const ProviderConfig& p : providers->providers) {
    const char* key = p.api_key_env.empty() ? nullptr : std::getenv(p.api_key_env.c_str());
    if (key != nullptr) keys[p.api_key_env] = Secret(key);
  }
  Result<RunPlan> plan = BuildRunPlan(*suite, *providers, *prices, keys, false, args.repeat);
  if (!plan.ok()) return plan.errors();
  std::vector<Prepared> prepared;
  for (const PlannedTask& task : plan->Tasks()) {
    const PlannedCandidate& pc = plan->candidates[static_cast<size_t>(task.candidate)];
    Result<ChatCall> call = MakeCall(*plan, task);
    if (!call.ok()) return call.errors();
    HttpRequest request = BuildRequest(pc.provider, *call, pc.key);
    Prepared p{request.url, std::move(request.body), nullptr};
    for (const HttpHeader& h : request.headers) {
      p.headers = curl_slist_append(p.headers, (h.name + ": " + h.value).c_str());
    }
    p.headers = curl_slist_append(p.headers, "Expect:");
    if (request.auth) {
      std::string line = request.auth->name + ": " + request.auth->prefix;
      line += request.auth->secret.RevealForTransport();
      p.headers = curl_slist_append(p.headers, line.c_str());
    }
    prepared.push_back(std::move(p));
  }
  return prepared;
}

void Send(CURLM* multi, Slot& slot, const Prepared& p) {
  slot.reply.clear();
  curl_easy_setopt(slot.easy, CURLOPT_URL, p.url.c_str());
  curl_easy_setopt(slot.easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(p.body.size()));
  curl_easy_setopt(slot.easy, CURLOPT_POSTFIELDS, p.body.data());
  curl_easy_setopt(slot.easy, CURLOPT_HTTPHEADER, p.headers);
  curl_multi_add_handle(multi, slot.easy);
}

struct LoopCounts {
  int64_t done = 0;
  int64_t ok = 0;  // 2xx
};

// Keeps `concurrency` requests in flight until every prepared request has been answered.
LoopCounts RunLoop(const std::vector<Prepared>& requests, int concurrency) {
  CURLM* multi = curl_multi_init();
  std::vector<Slot> slots(static_cast<size_t>(concurrency));
  size_t next = 0;
  for (Slot& slot : slots) {
    slot.easy = curl_easy_init();
    curl_easy_setopt(slot.easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(slot.easy, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(slot.easy, CURLOPT_TIMEOUT_MS, 60'000L);
    curl_easy_setopt(slot.easy, CURLOPT_WRITEFUNCTION, KeepBody);
    curl_easy_setopt(slot.easy, CURLOPT_WRITEDATA, &slot);
    curl_easy_setopt(slot.easy, CURLOPT_PRIVATE, &slot);
    if (next < requests.size()) Send(multi, slot, requests[next++]);
  }
  LoopCounts counts;
  int running = 1;
  while (counts.done < static_cast<int64_t>(requests.size())) {
    curl_multi_perform(multi, &running);
    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &queued)) {
      if (msg->msg != CURLMSG_DONE) continue;
      CURL* easy = msg->easy_handle;
      long status = 0;
      curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
      char* slot = nullptr;
      curl_easy_getinfo(easy, CURLINFO_PRIVATE, &slot);
      curl_multi_remove_handle(multi, easy);
      ++counts.done;
      if (status >= 200 && status < 300) ++counts.ok;
      if (next < requests.size()) Send(multi, *reinterpret_cast<Slot*>(slot), requests[next++]);
    }
    if (counts.done < static_cast<int64_t>(requests.size())) {
      curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
    }
  }
  for (Slot& slot : slots) curl_easy_cleanup(slot.easy);
  curl_multi_cleanup(multi);
  return counts;
}

double CpuSeconds(const rusage& ru, bool user) {
  const timeval& tv = user ? ru.ru_utime : ru.ru_stime;
  return static_cast<double>(tv.tv_sec) + tv.tv_usec / 1e6;
}

bool ParseArgs(int argc, char** argv, Args* args) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--suite") {
      args->suite = argv[i + 1];
    } else if (flag == "--repeat") {
      args->repeat = std::atoi(argv[i + 1]);
    } else if (flag == "--concurrency") {
      args->concurrency = std::atoi(argv[i + 1]);
    } else {
      return false;
    }
  }
  return argc % 2 == 1 && !args->suite.empty() && args->repeat > 0 && args->concurrency > 0;
}

}  // namespace
}  // namespace taskcost::bench

int main(int argc, char** argv) {
  using namespace taskcost::bench;
  Args args;
  if (!ParseArgs(argc, argv, &args)) {
    std::fprintf(stderr, "usage: curl_baseline --suite SUITE.yaml [--repeat N] [--concurrency C]\n");
    return 2;
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  taskcost::Result<std::vector<Prepared>> requests = Prepare(args);
  if (!requests.ok()) {
    std::fprintf(stderr, "curl_baseline: %s\n", taskcost::FormatErrors(requests.errors()).c_str());
    return 2;
  }
  rusage before{}, after{};
  getrusage(RUSAGE_SELF, &before);
  const auto started = std::chrono::steady_clock::now();
  LoopCounts counts = RunLoop(*requests, args.concurrency);
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  getrusage(RUSAGE_SELF, &after);
  const double user_s = CpuSeconds(after, true) - CpuSeconds(before, true);
  const double system_s = CpuSeconds(after, false) - CpuSeconds(before, false);
  std::printf("{\"requests\":%lld,\"ok\":%lld,\"user_s\":%.6f,\"system_s\":%.6f,\"wall_s\":%.6f}\n",
              static_cast<long long>(counts.done), static_cast<long long>(counts.ok), user_s,
              system_s, wall_s);
  for (const Prepared& p : *requests) curl_slist_free_all(p.headers);
  curl_global_cleanup();
  return counts.ok == counts.done ? 0 : 1;
}
