#include "harness/cli/options.h"

#include <cstdio>
#include <iostream>

#include "harness/cli/cli.h"

namespace taskcost {

void PrintErrors(const Errors& errors) {
  for (const Error& e : errors) std::fprintf(stderr, "taskcost: error: %s\n", e.ToString().c_str());
}
void PrintError(const std::string& message) {
  std::fprintf(stderr, "taskcost: error: %s\n", message.c_str());
}
void PrintWarning(const std::string& message) {
  std::fprintf(stderr, "taskcost: warning: %s\n", message.c_str());
}

namespace {
std::string Suggest(const std::string& bad, const po::options_description& options) {
  std::vector<std::string> names;
  for (const auto& option : options.options()) names.push_back("--" + option->long_name());
  std::string word = bad.substr(0, bad.find('='));
  if (auto close = ClosestMatch(word, names)) return ", did you mean " + *close + "?";
  return "";
}
}  // namespace

ParseOutcome ParseVerbArgs(const std::string& verb, const std::string& synopsis,
                           const std::vector<std::string>& args, po::options_description& options,
                           const po::positional_options_description& positional) {
  options.add_options()("help,h", "show this help");
  ParseOutcome outcome;
  try {
    po::store(po::command_line_parser(args).options(options).positional(positional).run(),
              outcome.vars);
    if (outcome.vars.count("help")) {
      std::cout << "usage: taskcost " << verb << " " << synopsis << "\n\n" << options << "\n";
      outcome.exit_code = kExitOk;
      return outcome;
    }
    po::notify(outcome.vars);
  } catch (const po::unknown_option& e) {
    PrintError("unknown option " + e.get_option_name() + Suggest(e.get_option_name(), options) +
               " (see 'taskcost " + verb + " --help')");
    outcome.exit_code = kExitBadInput;
  } catch (const po::error& e) {
    PrintError(std::string(e.what()) + " (see 'taskcost " + verb + " --help')");
    outcome.exit_code = kExitBadInput;
  }
  return outcome;
}

}  // namespace taskcost
