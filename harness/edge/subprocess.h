// Running a short-lived child process with input on stdin, its stdout collected, and a hard
// deadline (the command scorer). Each call is independent: safe to call from several threads.
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace taskcost {

struct ProcessResult {
  enum class End {
    kExited,       // exited on its own; see exit_code
    kSignaled,     // killed by a signal it did not ask for (a crash); see signal
    kTimedOut,     // still running at the deadline: its whole process group was killed
    kSpawnFailed,  // could not be started (program not found, ...); see error
    kInterrupted,  // InterruptProcesses was called: its whole process group was killed
    kCancelled,    // `cancel` was set: its whole process group was killed (or it never started)
  };
  End end = End::kExited;
  int exit_code = 0;
  int signal = 0;
  std::string out;    // stdout, at most `max_output` bytes (the rest is read and dropped)
  std::string err;    // stderr, the same
  std::string error;  // kSpawnFailed: why
  std::chrono::microseconds elapsed{0};
};

/// Starts `argv` (argv[0] looked up on PATH) in its own process group with `dir` as working
/// directory ("" = ours), writes `input` to its stdin and closes it, and collects stdout and
/// stderr until it exits. At `timeout` the whole group gets SIGKILL, and so it does within
/// kCancelCheck of `cancel` (may be null) being set. The child's environment is ours without any
/// variable whose value is, or holds, a key (secret.h IsOrHoldsSecret), so no provider key
/// reaches it. Never throws.
ProcessResult RunProcess(const std::vector<std::string>& argv, const std::string& dir,
                         std::string_view input, std::chrono::milliseconds timeout,
                         size_t max_output = 1 << 20, const std::atomic<bool>* cancel = nullptr);

/// How often RunProcess looks at its `cancel` flag while it waits.
inline constexpr std::chrono::milliseconds kCancelCheck{50};

/// Ends every RunProcess in progress within 100 ms, and every later one at once, as
/// kInterrupted (the process group gets SIGKILL), so that Ctrl-C or SIGTERM is honoured while a
/// scorer runs. `on` false undoes it. Async-signal-safe: a signal handler may call it.
void InterruptProcesses(bool on = true);

}  // namespace taskcost
