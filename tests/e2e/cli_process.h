// Runs the real taskcost binary as a child process for end-to-end tests, capturing its exit
// code, stdout and stderr, with extra environment variables: to completion (RunCli), or in the
// background (CliChild) for tests that signal it mid-run. One thread owns each child.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace taskcost {

struct CliOutcome {
  int exit_code = -1;  // 128 + signal when killed by a signal
  std::string out;
  std::string err;
  long peak_rss_kb = 0;  // the child's peak resident memory (getrusage ru_maxrss), KiB
};

/// A taskcost process running in the background. Its stdout and stderr go to pipes read only
/// by Wait, so it suits runs that print little (--quiet) until then.
class CliChild {
 public:
  /// Starts `program` (a path, or a name looked up in PATH; "" = TASKCOST_BINARY) with `args`
  /// in `cwd`, environment = ours + `env` (a value of "" unsets). Throws when it cannot fork.
  CliChild(const std::vector<std::string>& args, const std::string& cwd,
           const std::map<std::string, std::string>& env = {}, const std::string& program = "");
  ~CliChild();  // kills (SIGKILL) and reaps a child not yet waited for
  CliChild(const CliChild&) = delete;
  CliChild& operator=(const CliChild&) = delete;

  /// Sends `signal` (SIGINT, SIGKILL, ...) to the child.
  void Signal(int signal) const;
  /// The child's process id (-1 once waited for).
  pid_t pid() const { return pid_; }
  /// Reads everything the child prints until it exits, then reaps it.
  CliOutcome Wait();

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
};

/// Runs TASKCOST_BINARY with `args` in `cwd` to completion; see CliChild.
CliOutcome RunCli(const std::vector<std::string>& args, const std::string& cwd,
                  const std::map<std::string, std::string>& env = {});

/// Runs `program` (a path, or a name looked up in PATH) to completion the same way.
CliOutcome RunProgram(const std::string& program, const std::vector<std::string>& args,
                      const std::string& cwd, const std::map<std::string, std::string>& env = {});

/// A fresh empty directory under the system temp dir, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string Write(const std::string& name, const std::string& content) const;

 private:
  std::string path_;
};

/// The whole text of `path`; throws std::runtime_error when there is no such file (a check on
/// its text must never pass on a file that was not written).
std::string ReadFileText(const std::string& path);

}  // namespace taskcost
