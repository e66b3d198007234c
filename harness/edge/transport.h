// Transport: the seam between the scheduler and the network. Start requests, then Poll for the
// ones that finished, in whatever order they finish (ninja's SubprocessSet: Add / DoWork /
// NextFinished). One thread drives a Transport; implementations are not thread-safe except
// Wake(), which any thread (or a signal-safe path) may call to end a Poll early.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "harness/core/model/http.h"

namespace taskcost {

struct Completion {
  uint64_t id = 0;  // the id given to Start
  /// When response.failure is set, status and body keep whatever arrived before the failure
  /// (a body cut off half way keeps its 200 and its first half); status is 0 if none did.
  HttpResponse response;
};

class Transport {
 public:
  virtual ~Transport() = default;
  /// Sends `request` in the background. `id` must be unique among requests in flight.
  virtual void Start(uint64_t id, HttpRequest request) = 0;
  /// Waits at most `max_wait` for progress and returns the requests that finished (possibly
  /// none). A request that fails below HTTP completes with response.failure set.
  virtual std::vector<Completion> Poll(std::chrono::milliseconds max_wait) = 0;
  /// Abandons a request in flight; it will not complete. Unknown ids are ignored.
  virtual void Cancel(uint64_t id) = 0;
  virtual size_t InFlight() const = 0;
  /// Makes a Poll in progress (or the next one) return promptly. Thread-safe.
  virtual void Wake() = 0;
};

struct CurlTransportOptions {
  long max_connections_per_host = 0;  // 0 = libcurl's default (no limit)
  bool allow_http2 = true;            // negotiate HTTP/2 where the server offers it (TLS ALPN)
  std::chrono::milliseconds connect_timeout{10'000};
};

/// The real transport: libcurl multi driven from the calling thread.
std::unique_ptr<Transport> MakeCurlTransport(const CurlTransportOptions& options = {});

}  // namespace taskcost
