// Shared pieces of the taskcost command line: exit codes, the verb signature, and the error
// printer. Each verb lives in its own <verb>_cmd.cc. Not synchronised (one thread).
#pragma once

#include <string>
#include <vector>

#include "harness/core/model/result.h"

namespace taskcost {

enum ExitCode : int {
  kExitOk = 0,
  kExitGateFailed = 1,     // a gate or threshold failed
  kExitBadInput = 2,       // usage, suite or config is wrong
  kExitIncomplete = 3,     // the run could not complete (auth refused, budget, unreachable)
  kExitInterrupted = 130,  // Ctrl-C: journal flushed, resumable
};

inline constexpr const char* kVersion = "0.1.0";

/// A verb's handler gets the arguments after the verb and returns an exit code.
using VerbHandler = int (*)(const std::vector<std::string>& args);

struct Verb {
  const char* name;
  const char* help;  // one line
  VerbHandler handler;
};

/// Prints "taskcost: error: <each error>" lines to stderr.
void PrintErrors(const Errors& errors);
void PrintError(const std::string& message);
void PrintWarning(const std::string& message);

/// Parses the verb's options with Boost.Program_options; on a usage error prints it (with a
/// suggestion for misspelt options) and returns false with *exit_code = kExitBadInput. On
/// --help prints `usage` and the options and returns false with kExitOk.
struct ParsedArgs;

int RunVerb(const std::vector<std::string>& args);
int PlanVerb(const std::vector<std::string>& args);
int ValidateVerb(const std::vector<std::string>& args);
int ReportVerb(const std::vector<std::string>& args);
int MockVerb(const std::vector<std::string>& args);
int BaselineVerb(const std::vector<std::string>& args);
int GateVerb(const std::vector<std::string>& args);
int CompareVerb(const std::vector<std::string>& args);
int PricesVerb(const std::vector<std::string>& args);
int HistoryVerb(const std::vector<std::string>& args);
int SummaryVerb(const std::vector<std::string>& args);
int ReviewVerb(const std::vector<std::string>& args);
int InitVerb(const std::vector<std::string>& args);

}  // namespace taskcost
