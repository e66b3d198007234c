// Reading the files a user's configuration names (suite.yaml, samples, schemas, catalogs), and
// resolving the relative paths written inside them. The only IO core does. Thread-compatible:
// the functions share no state.
#pragma once

#include <string>

#include "harness/core/result.h"

namespace taskcost {

/// The whole file as bytes. Failure: one Error at `path` such as
/// "cannot read file (No such file or directory)".
Result<std::string> ReadUserFile(const std::string& path);

/// The directory part of `file_path` ("suites/x/suite.yaml" -> "suites/x"; "suite.yaml" -> "").
std::string DirectoryOf(const std::string& file_path);

/// `written` resolved against `base_dir` and normalised lexically: ("suites/x",
/// "../../configs/prices.yaml") -> "configs/prices.yaml". Absolute paths are kept.
std::string ResolvePath(const std::string& base_dir, const std::string& written);

}  // namespace taskcost
