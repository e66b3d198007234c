#include "harness/cli/progress.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace taskcost {

ProgressPrinter::ProgressPrinter(bool quiet) {
  if (quiet) return;
  const char* term = std::getenv("TERM");
  const bool dumb = term == nullptr || std::strcmp(term, "dumb") == 0;
  const bool ci = std::getenv("CI") != nullptr;
  mode_ = (isatty(2) && !dumb && !ci) ? Mode::kTerminal : Mode::kPlain;
}

std::string WaitNotice(const RunProgress& p) {
  if (p.wait <= kNamedWait) return "";
  char text[64];
  std::snprintf(text, sizeof text, "waiting %.1f s: ", static_cast<double>(p.wait.count()) / 1000);
  return text + p.wait_reason;
}

std::string ProgressPrinter::Format(const RunProgress& p) const {
  char line[256];
  const double rate = p.tasks_done > 0 ? 100.0 * static_cast<double>(p.successes) /
                                              static_cast<double>(p.tasks_done)
                                        : 0.0;
  std::string spend = "$" + p.spent.ToFixed(4);
  if (p.budget) spend += " of $" + p.budget->ToFixed(2);
  std::string eta = "-";
  if (p.tasks_done > 0 && p.tasks_done < p.tasks_total) {
    const auto per_task = p.elapsed / static_cast<int64_t>(p.tasks_done);
    const auto left = per_task * static_cast<int64_t>(p.tasks_total - p.tasks_done);
    const long long seconds = std::chrono::duration_cast<std::chrono::seconds>(left).count();
    eta = std::to_string(seconds / 60) + "m" + std::to_string(seconds % 60) + "s";
  }
  std::snprintf(line, sizeof line, "[%zu/%zu tasks] success %.1f%%  spent %s  in flight %d  ETA %s",
                p.tasks_done, p.tasks_total, rate, spend.c_str(), p.in_flight, eta.c_str());
  const std::string wait = WaitNotice(p);
  return wait.empty() ? std::string(line) : line + ("  " + wait);
}

void ProgressPrinter::Update(const RunProgress& progress) {
  if (mode_ == Mode::kOff) return;
  const std::string wait = WaitNotice(progress);
  if (!wait.empty() && progress.wait_until != told_wait_until_) {
    told_wait_until_ = progress.wait_until;
    Notice(wait);
  }
  if (mode_ == Mode::kTerminal) {
    std::fprintf(stderr, "\r%s\x1b[K", Format(progress).c_str());
    line_open_ = true;
    return;
  }
  const auto now = std::chrono::steady_clock::now();
  const bool finished = progress.tasks_done == progress.tasks_total;
  if (now - last_plain_ < std::chrono::seconds(5) && !finished) return;
  last_plain_ = now;
  std::fprintf(stderr, "taskcost: %s\n", Format(progress).c_str());
}

void ProgressPrinter::Notice(const std::string& text) {
  if (line_open_) std::fputs("\r\x1b[K", stderr);
  std::fprintf(stderr, "taskcost: %s\n", text.c_str());
}

void ProgressPrinter::Finish() {
  if (line_open_) std::fputs("\n", stderr);
  line_open_ = false;
}

}  // namespace taskcost
