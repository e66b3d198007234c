// Progress on stderr: one elided, overwritten line on a terminal (ninja's LinePrinter), a plain
// line every few seconds elsewhere (CI logs), nothing with --quiet. Not synchronised.
#pragma once

#include <chrono>
#include <string>

#include "harness/runner/runner.h"

namespace taskcost {

/// A wait over this long is named: on the status line, and once on a line of its own.
inline constexpr std::chrono::milliseconds kNamedWait{1000};

/// "waiting 1.0 s: anthropic rate limit (Retry-After)"; empty for a wait of at most kNamedWait.
std::string WaitNotice(const RunProgress& progress);

class ProgressPrinter {
 public:
  /// Decides the mode from isatty(2), TERM, CI and `quiet`.
  explicit ProgressPrinter(bool quiet);
  /// The status line; a wait over kNamedWait is also told once as a notice.
  void Update(const RunProgress& progress);
  /// Prints a notice on its own line (keeping the status line intact on a terminal).
  void Notice(const std::string& text);
  /// Ends the status line.
  void Finish();

 private:
  enum class Mode { kOff, kTerminal, kPlain };
  std::string Format(const RunProgress& progress) const;
  Mode mode_ = Mode::kOff;
  bool line_open_ = false;
  std::chrono::milliseconds told_wait_until_{-1};  // the last wait told as a notice
  std::chrono::steady_clock::time_point last_plain_{};
};

}  // namespace taskcost
