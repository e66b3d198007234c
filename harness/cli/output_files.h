// Files the CI-facing verbs write for the user (baselines, JUnit, Markdown, catalogs): parent
// directories are created, and a file is replaced atomically or appended to. Not synchronised.
#pragma once

#include <string>

#include "harness/core/model/result.h"

namespace taskcost {

/// Writes `content` to `path` atomically, creating missing parent directories.
Status WriteOutputFile(const std::string& path, const std::string& content);

/// Writes `content` to stdout when `path` is empty or "-", else to the file (saying so on
/// stderr). Returns the verb's exit code: 0, or 3 when the file cannot be written.
int PrintOrWrite(const std::string& path, const std::string& content);

/// Appends `content` to `path` (created when missing), as CI summary files expect.
Status AppendToFile(const std::string& path, const std::string& content);

/// The process's working directory, for making recorded paths relative.
std::string WorkingDirectory();

}  // namespace taskcost
