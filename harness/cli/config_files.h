// Where the default configuration files are found when neither a flag nor the suite names them
// (providers.yaml, prices.yaml, simulator.yaml), so that a run does not depend on the working
// directory (docs/configs.md, "Where configuration files are found"). In order, the first that
// exists wins:
//   1. configs/NAME in the suite's directory, then in each directory above it;
//   2. the install data directory: <the taskcost binary's directory>/../share/taskcost/configs;
//   3. the source tree the binary was built from, <source>/configs/NAME, only for the binary the
//      build wrote, in its build directory: an installed copy never reads the checkout.
// Without a suite (taskcost mock, prices) the search starts at the working directory. Reads only
// the file system. Not synchronised.
#pragma once

#include <string>
#include <vector>

namespace taskcost {

/// Where the search for `name` went: the file found ("" when none exists) and, in order, each
/// place looked at (for the error that names them).
struct ConfigSearch {
  std::string found;
  std::vector<std::string> looked;
};

/// Searches for configs/`name` starting at the directory of `suite_path` ("" = the working
/// directory). Paths are absolute.
ConfigSearch FindDefaultConfig(const std::string& name, const std::string& suite_path);

/// FindDefaultConfig's file, or when none exists the first place it looked (reading it then
/// gives the located "cannot read file" error).
std::string DefaultConfigPath(const std::string& name, const std::string& suite_path);

/// The install data directory (<binary's directory>/../share/taskcost), "" when the binary's
/// location is unknown.
std::string InstallDataDir();

}  // namespace taskcost
