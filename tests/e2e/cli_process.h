// Runs the real taskcost binary as a child process for end-to-end tests, capturing its exit
// code, stdout and stderr, with extra environment variables. Blocking; one call per test step.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace taskcost {

struct CliOutcome {
  int exit_code = -1;  // 128 + signal when killed by a signal
  std::string out;
  std::string err;
};

/// Runs TASKCOST_BINARY with `args` in `cwd`, environment = ours + `env` (a value of "" unsets).
CliOutcome RunCli(const std::vector<std::string>& args, const std::string& cwd,
                  const std::map<std::string, std::string>& env = {});

/// Runs `program` (a path, or a name looked up in PATH) the same way.
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

std::string ReadFileText(const std::string& path);

}  // namespace taskcost
