#include "harness/edge/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>

#include "harness/core/model/secret.h"

extern char** environ;

namespace taskcost {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kInterruptPollMs = 100;  // how often a running child checks for an interrupt

std::atomic<bool> g_interrupt{false};  // lock-free, so a signal handler may set it
static_assert(std::atomic<bool>::is_always_lock_free);

struct Pipe {
  int read = -1;
  int write = -1;
  bool Open() {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return false;
    read = fds[0];
    write = fds[1];
    return true;
  }
};

void CloseFd(int& fd) {
  if (fd >= 0) close(fd);
  fd = -1;
}

// Writes without letting a closed pipe raise SIGPIPE in this process: the signal is blocked
// for this thread and a pending one is consumed.
ssize_t WriteNoSigpipe(int fd, const char* data, size_t size) {
  sigset_t pipe_set, old;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
  ssize_t n = write(fd, data, size);
  if (n < 0 && errno == EPIPE) {
    const timespec zero{0, 0};
    sigtimedwait(&pipe_set, nullptr, &zero);
    errno = EPIPE;
  }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  return n;
}

// Our environment less every variable whose value is, or holds, a key the process holds: a
// child (a user's scorer) never sees a provider key, whatever the variable is called.
std::vector<std::string> EnvironmentWithoutKeys() {
  std::vector<std::string> kept;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    const size_t equals = text.find('=');
    if (equals != std::string_view::npos && IsOrHoldsSecret(text.substr(equals + 1))) continue;
    kept.emplace_back(text);
  }
  return kept;
}

pid_t Spawn(const std::vector<std::string>& argv, const std::string& dir, Pipe& in, Pipe& out,
            Pipe& err, std::string* error) {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attr);
  posix_spawn_file_actions_adddup2(&actions, in.read, 0);
  posix_spawn_file_actions_adddup2(&actions, out.write, 1);
  posix_spawn_file_actions_adddup2(&actions, err.write, 2);
  if (!dir.empty()) posix_spawn_file_actions_addchdir_np(&actions, dir.c_str());
  posix_spawnattr_setpgroup(&attr, 0);  // its own group, so a timeout kills its children too
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigaddset(&defaults, SIGINT);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF |
                                      POSIX_SPAWN_SETSIGMASK);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<std::string> environment = EnvironmentWithoutKeys();
  std::vector<char*> envp;
  for (std::string& e : environment) envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawnp(&pid, args[0], &actions, &attr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    *error = "cannot start " + argv[0] + ": " + std::strerror(rc);
    return -1;
  }
  return pid;
}

// Appends what `fd` has to `into` (up to `max`); false at end of file or error.
bool Drain(int fd, std::string& into, size_t max) {
  char buf[8192];
  ssize_t n = read(fd, buf, sizeof buf);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return true;
  if (n <= 0) return false;
  size_t keep = std::min(static_cast<size_t>(n), max - std::min(max, into.size()));
  into.append(buf, keep);
  return true;
}

}  // namespace

ProcessResult RunProcess(const std::vector<std::string>& argv, const std::string& dir,
                         std::string_view input, std::chrono::milliseconds timeout,
                         size_t max_output, const std::atomic<bool>* cancel) {
  ProcessResult result;
  const Clock::time_point start = Clock::now();
  auto cancelled = [cancel] { return cancel != nullptr && cancel->load(); };
  if (cancelled()) {
    result.end = ProcessResult::End::kCancelled;
    return result;
  }
  Pipe in, out, err;
  if (argv.empty() || !in.Open() || !out.Open() || !err.Open()) {
    for (Pipe* p : {&in, &out, &err}) {
      CloseFd(p->read);
      CloseFd(p->write);
    }
    result.end = ProcessResult::End::kSpawnFailed;
    result.error = argv.empty() ? "no program given" : std::string("pipe: ") + strerror(errno);
    return result;
  }
  pid_t pid = Spawn(argv, dir, in, out, err, &result.error);
  CloseFd(in.read);
  CloseFd(out.write);
  CloseFd(err.write);
  if (pid < 0) {
    CloseFd(in.write);
    CloseFd(out.read);
    CloseFd(err.read);
    result.end = ProcessResult::End::kSpawnFailed;
    return result;
  }
  fcntl(in.write, F_SETFL, O_NONBLOCK);
  size_t written = 0;
  if (input.empty()) CloseFd(in.write);
  const Clock::time_point deadline = start + timeout;
  bool timed_out = false;
  bool interrupted = false;  // InterruptProcesses
  bool stopped = false;      // cancelled
  while (out.read >= 0 || err.read >= 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    interrupted = g_interrupt.load();
    stopped = cancelled();
    timed_out = left.count() <= 0;
    if (interrupted || stopped || timed_out) break;
    if (cancel != nullptr) left = std::min(left, kCancelCheck);
    pollfd fds[3] = {{out.read, POLLIN, 0}, {err.read, POLLIN, 0}, {in.write, POLLOUT, 0}};
    const int wait_ms = static_cast<int>(std::min<int64_t>(left.count() + 1, kInterruptPollMs));
    if (poll(fds, 3, wait_ms) < 0 && errno != EINTR) break;
    if (fds[0].revents != 0 && !Drain(out.read, result.out, max_output)) CloseFd(out.read);
    if (fds[1].revents != 0 && !Drain(err.read, result.err, max_output)) CloseFd(err.read);
    if (in.write >= 0 && fds[2].revents != 0) {
      ssize_t n = WriteNoSigpipe(in.write, input.data() + written, input.size() - written);
      if (n > 0) written += static_cast<size_t>(n);
      if ((n < 0 && errno != EAGAIN && errno != EINTR) || written == input.size()) {
        CloseFd(in.write);
      }
    }
  }
  CloseFd(in.write);
  CloseFd(out.read);
  CloseFd(err.read);
  int status = 0;
  // Its output is closed; it may still run (or hang) until the deadline.
  while (!timed_out && !interrupted && !stopped) {
    pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid || (done < 0 && errno != EINTR)) break;
    interrupted = g_interrupt.load();
    stopped = cancelled();
    timed_out = Clock::now() >= deadline;
    if (!interrupted && !stopped && !timed_out) usleep(2'000);
  }
  kill(-pid, SIGKILL);  // at the deadline, when stopped, or what it left behind in its group
  if (timed_out || interrupted || stopped) {
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  result.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
  if (interrupted) {
    result.end = ProcessResult::End::kInterrupted;
  } else if (stopped) {
    result.end = ProcessResult::End::kCancelled;
  } else if (timed_out) {
    result.end = ProcessResult::End::kTimedOut;
  } else if (WIFSIGNALED(status)) {
    result.end = ProcessResult::End::kSignaled;
    result.signal = WTERMSIG(status);
  } else {
    result.exit_code = WEXITSTATUS(status);
  }
  return result;
}

void InterruptProcesses(bool on) { g_interrupt.store(on); }

}  // namespace taskcost
