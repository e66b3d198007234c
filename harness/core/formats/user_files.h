// Reading the files a user's configuration names (suite.yaml, samples, schemas, catalogs,
// simulator profiles, run.json), and resolving the relative paths written inside them. The only
// IO core does. Every read is bounded: regular files only (a FIFO, a device such as /dev/zero or
// a directory is refused before a byte is read, so nothing blocks), and at most a documented
// number of bytes (docs/suite-format.md, "Limits"). Thread-compatible: the functions share no
// state.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "harness/core/model/result.h"

namespace taskcost {

/// The most bytes ReadUserFile reads of a YAML or JSON configuration file (suite, schema,
/// providers, prices, simulator profile, run.json).
inline constexpr size_t kMaxConfigFileBytes = size_t{16} << 20;  // 16 MiB
/// The most bytes of a samples file (JSONL or CSV).
inline constexpr size_t kMaxSamplesFileBytes = size_t{64} << 20;  // 64 MiB

/// The whole file as bytes, if it is a regular file of at most `max_bytes`. Failure: one Error at
/// `path` such as "cannot read file (No such file or directory)", "cannot read file (it is a
/// FIFO, not a regular file)" or "the file is 70000000 bytes; at most 67108864 (64 MiB) are
/// read".
Result<std::string> ReadUserFile(const std::string& path, size_t max_bytes = kMaxConfigFileBytes);

/// The directory part of `file_path` ("suites/x/suite.yaml" -> "suites/x"; "suite.yaml" -> "").
std::string DirectoryOf(const std::string& file_path);

/// `written` resolved against `base_dir` and normalised lexically: ("suites/x",
/// "../../configs/prices.yaml") -> "configs/prices.yaml". Absolute paths are kept.
std::string ResolvePath(const std::string& base_dir, const std::string& written);

/// `path` made absolute against the working directory and normalised lexically (symbolic links
/// are kept); "" stays "".
std::string AbsolutePath(const std::string& path);

/// 1-based line and column (in bytes) of byte `offset` of `text`, counted from `start` (the
/// location of text[0]; line 0 = unknown stays unknown).
SourceLocation LocationAt(std::string_view text, size_t offset, const SourceLocation& start);

}  // namespace taskcost
