// Child processes for the benchmarks: start a program, read the first line it prints, wait for
// it and collect what it used (CPU, peak resident memory) from wait4, so every measured program
// runs in a process of its own. The CPU of a process still running is read from /proc.
// Not synchronised: one thread owns a Child.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include "harness/core/model/result.h"

namespace taskcost::bench {

/// What a finished child used, from wait4's rusage.
struct ChildUsage {
  int exit_code = -1;     // exit status, or 128 + signal when killed
  double user_s = 0;      // user CPU, seconds
  double system_s = 0;    // kernel CPU, seconds
  double wall_s = 0;      // from start to reaped, seconds
  int64_t max_rss_kb = 0; // peak resident set size, KiB
  double cpu_s() const { return user_s + system_s; }
};

class Child {
 public:
  /// Starts `argv` (argv[0] is a path) with stdout on a pipe (read with ReadLine) and stderr
  /// appended to `stderr_path` (empty: inherited). Fails when the program cannot be started.
  static Result<Child> Start(const std::vector<std::string>& argv,
                             const std::string& stderr_path = "");
  Child(Child&& other) noexcept;
  Child& operator=(Child&&) = delete;
  Child(const Child&) = delete;
  ~Child();  // kills and reaps a child still running

  /// The next line of the child's stdout without its newline; fails at end of output or when
  /// nothing arrives within `timeout`.
  Result<std::string> ReadLine(std::chrono::milliseconds timeout);
  /// Everything the child still prints, until it closes stdout.
  std::string ReadRest();
  /// User + system CPU seconds the running child has used so far (/proc/PID/stat).
  double CpuSecondsSoFar() const;
  /// Sends SIGTERM, then waits for the child. Returns what it used.
  ChildUsage Terminate();
  /// Waits for the child to exit. Returns what it used.
  ChildUsage Wait();
  pid_t pid() const { return pid_; }

 private:
  Child(pid_t pid, int out_fd);

  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::string buffered_;  // read from stdout, not yet returned
  std::chrono::steady_clock::time_point started_;
};

/// Runs `argv` to completion, stdout discarded unless `stdout_text` is given; see Child::Start.
Result<ChildUsage> RunToEnd(const std::vector<std::string>& argv, const std::string& stderr_path,
                            std::string* stdout_text = nullptr);

}  // namespace taskcost::bench
