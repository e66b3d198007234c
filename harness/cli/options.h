// Option parsing shared by the verbs: Boost.Program_options with our error style
// ("taskcost: error: unknown option --concurency, did you mean --concurrency?").
#pragma once

#include <boost/program_options.hpp>
#include <optional>
#include <string>
#include <vector>

namespace taskcost {

namespace po = boost::program_options;

/// Parses `args` against `options` and positional names. Returns the variables, or the exit
/// code to return at once (usage error: 2, --help: 0, after printing).
struct ParseOutcome {
  po::variables_map vars;
  std::optional<int> exit_code;
};

ParseOutcome ParseVerbArgs(const std::string& verb, const std::string& synopsis,
                           const std::vector<std::string>& args, po::options_description& options,
                           const po::positional_options_description& positional);

}  // namespace taskcost
