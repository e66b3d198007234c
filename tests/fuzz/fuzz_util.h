// The scratch files of the fuzz targets whose entry point reads a file (suite.yaml, a journal,
// an XLSX sheet): written into a directory of the process. The input formats are in
// fuzz_input.h. Test-only; used from the fuzzer's one thread.
#pragma once

#include <string>
#include <string_view>

#include "tests/fuzz/fuzz_input.h"

namespace taskcost::fuzz {

/// A directory of this process (under $TMPDIR, else /tmp) for the files a target writes;
/// created on first use, removed at normal exit.
const std::string& ScratchDir();

/// Writes `bytes` to ScratchDir()/`name` (replacing it; subdirectories created) and returns the
/// path. Throws std::runtime_error when the file cannot be written: not a finding of the code
/// under test, so the fuzzer stops with that message.
std::string WriteScratch(const std::string& name, std::string_view bytes);

}  // namespace taskcost::fuzz
