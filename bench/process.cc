#include "bench/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace taskcost::bench {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(const timeval& tv) { return static_cast<double>(tv.tv_sec) + tv.tv_usec / 1e6; }

// The child side of fork: wire stdout to the pipe and stderr to the log, then exec.
[[noreturn]] void ExecChild(const std::vector<std::string>& argv, int out_write,
                            const std::string& stderr_path) {
  dup2(out_write, STDOUT_FILENO);
  close(out_write);
  if (!stderr_path.empty()) {
    int err = open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (err >= 0) dup2(err, STDERR_FILENO);
  }
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  execv(args[0], args.data());
  std::fprintf(stderr, "bench: cannot start %s: %s\n", args[0], std::strerror(errno));
  _exit(127);
}

}  // namespace

Child::Child(pid_t pid, int out_fd) : pid_(pid), out_fd_(out_fd), started_(Clock::now()) {}

Child::Child(Child&& other) noexcept
    : pid_(other.pid_), out_fd_(other.out_fd_), buffered_(std::move(other.buffered_)),
      started_(other.started_) {
  other.pid_ = -1;
  other.out_fd_ = -1;
}

Child::~Child() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (out_fd_ >= 0) close(out_fd_);
}

Result<Child> Child::Start(const std::vector<std::string>& argv, const std::string& stderr_path) {
  if (access(argv.at(0).c_str(), X_OK) != 0) {
    return MakeError(argv[0] + ": not an executable file (build it first)");
  }
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return MakeError(std::string("pipe: ") + std::strerror(errno));
  pid_t pid = fork();
  if (pid < 0) return MakeError(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) ExecChild(argv, fds[1], stderr_path);
  close(fds[1]);
  return Child(pid, fds[0]);
}

Result<std::string> Child::ReadLine(std::chrono::milliseconds timeout) {
  const Clock::time_point deadline = Clock::now() + timeout;
  while (true) {
    if (size_t nl = buffered_.find('\n'); nl != std::string::npos) {
      std::string line = buffered_.substr(0, nl);
      buffered_.erase(0, nl + 1);
      return line;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return MakeError("no line from the child within the timeout");
    pollfd p{out_fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char chunk[4096];
    ssize_t n = read(out_fd_, chunk, sizeof chunk);
    if (n <= 0) return MakeError("the child closed its output before printing a line");
    buffered_.append(chunk, static_cast<size_t>(n));
  }
}

std::string Child::ReadRest() {
  std::string text = std::move(buffered_);
  buffered_.clear();
  char chunk[65536];
  ssize_t n;
  while ((n = read(out_fd_, chunk, sizeof chunk)) > 0) text.append(chunk, static_cast<size_t>(n));
  return text;
}

double Child::CpuSecondsSoFar() const {
  std::ifstream stat("/proc/" + std::to_string(pid_) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  // Fields after the command name, which is in parentheses and may hold spaces: field 3 is the
  // state; utime and stime are fields 14 and 15, in clock ticks.
  size_t close_paren = text.rfind(')');
  if (close_paren == std::string::npos) return 0;
  std::istringstream rest(text.substr(close_paren + 2));
  std::string field;
  double ticks = 0;
  for (int index = 3; index <= 15 && rest >> field; ++index) {
    if (index >= 14) ticks += std::stod(field);
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

ChildUsage Child::Terminate() {
  if (pid_ > 0) kill(pid_, SIGTERM);
  return Wait();
}

ChildUsage Child::Wait() {
  ChildUsage usage;
  if (out_fd_ >= 0) {
    ReadRest();  // a child blocked on a full pipe must not stall its exit
  }
  int status = 0;
  rusage ru{};
  if (pid_ > 0 && wait4(pid_, &status, 0, &ru) == pid_) {
    usage.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    usage.user_s = Seconds(ru.ru_utime);
    usage.system_s = Seconds(ru.ru_stime);
    usage.max_rss_kb = ru.ru_maxrss;
  }
  usage.wall_s = std::chrono::duration<double>(Clock::now() - started_).count();
  pid_ = -1;
  return usage;
}

Result<ChildUsage> RunToEnd(const std::vector<std::string>& argv, const std::string& stderr_path,
                            std::string* stdout_text) {
  Result<Child> child = Child::Start(argv, stderr_path);
  if (!child.ok()) return child.errors();
  std::string text = child->ReadRest();
  if (stdout_text != nullptr) *stdout_text = std::move(text);
  return child->Wait();
}

}  // namespace taskcost::bench
