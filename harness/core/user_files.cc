#include "harness/core/user_files.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace taskcost {

Result<std::string> ReadUserFile(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return MakeError("cannot read file (it is a directory)", "", {path, 0, 0});
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return MakeError(std::string("cannot read file (") + std::strerror(errno) + ")", "",
                     {path, 0, 0});
  }
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) return MakeError("cannot read file (read error)", "", {path, 0, 0});
  return bytes.str();
}

std::string DirectoryOf(const std::string& file_path) {
  return std::filesystem::path(file_path).parent_path().string();
}

std::string ResolvePath(const std::string& base_dir, const std::string& written) {
  std::filesystem::path path(written);
  if (path.is_absolute() || base_dir.empty()) return path.lexically_normal().string();
  return (std::filesystem::path(base_dir) / path).lexically_normal().string();
}

}  // namespace taskcost
