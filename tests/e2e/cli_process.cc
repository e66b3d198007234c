#include "tests/e2e/cli_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace taskcost {
namespace fs = std::filesystem;

namespace {
void DrainPipes(int out_fd, int err_fd, std::string* out, std::string* err) {
  pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  int open = 2;
  char buffer[65536];
  while (open > 0) {
    if (poll(fds, 2, -1) < 0) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
      ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
      if (n <= 0) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open;
      } else {
        (i == 0 ? out : err)->append(buffer, static_cast<size_t>(n));
      }
    }
  }
}
}  // namespace

CliChild::CliChild(const std::vector<std::string>& args, const std::string& cwd,
                   const std::map<std::string, std::string>& env, const std::string& program) {
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    int devnull = open("/dev/null", O_RDONLY);
    dup2(devnull, 0);
    if (chdir(cwd.c_str()) != 0) _exit(126);
    for (const auto& [name, value] : env) {
      if (value.empty()) {
        unsetenv(name.c_str());
      } else {
        setenv(name.c_str(), value.c_str(), 1);
      }
    }
    std::vector<char*> argv;
    std::string binary = program.empty() ? std::string(TASKCOST_BINARY) : program;
    argv.push_back(binary.data());
    std::vector<std::string> copy = args;
    for (std::string& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    execvp(binary.c_str(), argv.data());  // a name without '/' is looked up in PATH
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  out_fd_ = out_pipe[0];
  err_fd_ = err_pipe[0];
}

CliChild::~CliChild() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  Wait();
}

void CliChild::Signal(int signal) const {
  if (pid_ > 0) kill(pid_, signal);
}

CliOutcome CliChild::Wait() {
  CliOutcome outcome;
  if (pid_ <= 0) return outcome;
  DrainPipes(out_fd_, err_fd_, &outcome.out, &outcome.err);
  int status = 0;
  rusage usage{};
  wait4(pid_, &status, 0, &usage);
  outcome.peak_rss_kb = usage.ru_maxrss;
  pid_ = -1;
  outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return outcome;
}

CliOutcome RunCli(const std::vector<std::string>& args, const std::string& cwd,
                  const std::map<std::string, std::string>& env) {
  return CliChild(args, cwd, env).Wait();
}

CliOutcome RunProgram(const std::string& program, const std::vector<std::string>& args,
                      const std::string& cwd, const std::map<std::string, std::string>& env) {
  return CliChild(args, cwd, env, program).Wait();
}

TempDir::TempDir() {
  std::string pattern = (fs::temp_directory_path() / "taskcost-e2e-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::string TempDir::Write(const std::string& name, const std::string& content) const {
  const fs::path file = fs::path(path_) / name;
  fs::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary) << content;
  return file.string();
}

std::string ReadFileText(const std::string& path) {
  // A file that was never written is no empty text: a check that a key is absent from it must
  // fail, not pass on nothing (doctest reports the exception as the test's failure).
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) throw std::runtime_error("cannot read " + path + ": no such file");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace taskcost
