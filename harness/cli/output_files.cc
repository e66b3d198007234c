#include "harness/cli/output_files.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "harness/cli/cli.h"
#include "harness/edge/run_dir.h"

namespace taskcost {

Status WriteOutputFile(const std::string& path, const std::string& content) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (ec) return MakeError("cannot create directory " + parent.string() + ": " + ec.message());
  return WriteFileAtomic(path, content);
}

int PrintOrWrite(const std::string& path, const std::string& content) {
  if (path.empty() || path == "-") {
    std::fputs(content.c_str(), stdout);
    return kExitOk;
  }
  Status wrote = WriteOutputFile(path, content);
  if (!wrote.ok()) {
    PrintErrors(wrote.errors());
    return kExitIncomplete;
  }
  std::fprintf(stderr, "taskcost: wrote %s\n", path.c_str());
  return kExitOk;
}

Status AppendToFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::app);
  if (out) out << content;
  out.flush();
  if (!out) return MakeError("cannot append to " + path + ": " + std::strerror(errno));
  return OkStatus();
}

std::string WorkingDirectory() {
  std::error_code ec;
  std::filesystem::path cwd = std::filesystem::current_path(ec);
  return ec ? std::string() : cwd.string();
}

}  // namespace taskcost
