#include "harness/cli/config_files.h"

#include <filesystem>
#include <system_error>

#include "harness/core/formats/user_files.h"

namespace taskcost {
namespace {

namespace fs = std::filesystem;

// Defined for this file by CMakeLists.txt: the checkout the binary was built from, and the
// directory the build wrote the binary to.
#ifdef TASKCOST_SOURCE_DIR
constexpr const char* kSourceDir = TASKCOST_SOURCE_DIR;
#else
constexpr const char* kSourceDir = "";
#endif
#ifdef TASKCOST_BUILD_DIR
constexpr const char* kBuildDir = TASKCOST_BUILD_DIR;
#else
constexpr const char* kBuildDir = "";
#endif

bool IsFile(const fs::path& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec);
}

fs::path SelfBinary() {
  std::error_code ec;
  fs::path binary = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : binary;
}

// The source tree's configs/ stand in only for the binary the build wrote, where it wrote it: a
// copy installed elsewhere (cmake --install, the .deb) must find its own share/taskcost or say
// that it cannot, whether or not the checkout it came from is still on the disk.
bool RunsFromItsBuildDir() {
  if (*kSourceDir == '\0' || *kBuildDir == '\0') return false;
  const fs::path binary = SelfBinary();
  std::error_code ec;
  return !binary.empty() && fs::equivalent(binary.parent_path(), kBuildDir, ec);
}

}  // namespace

std::string InstallDataDir() {
  const fs::path binary = SelfBinary();
  if (binary.empty()) return "";
  return (binary.parent_path().parent_path() / "share" / "taskcost").lexically_normal().string();
}

ConfigSearch FindDefaultConfig(const std::string& name, const std::string& suite_path) {
  ConfigSearch search;
  std::error_code ec;
  fs::path dir =
      suite_path.empty() ? fs::current_path(ec) : fs::path(AbsolutePath(suite_path)).parent_path();
  std::vector<fs::path> candidates;
  for (fs::path at = dir; !at.empty(); at = at.parent_path()) {
    candidates.push_back(at / "configs" / name);
    if (at == at.root_path()) break;
  }
  if (const std::string data = InstallDataDir(); !data.empty()) {
    candidates.push_back(fs::path(data) / "configs" / name);
  }
  if (RunsFromItsBuildDir()) candidates.push_back(fs::path(kSourceDir) / "configs" / name);
  for (const fs::path& candidate : candidates) {
    search.looked.push_back(candidate.lexically_normal().string());
    if (IsFile(candidate)) {
      search.found = search.looked.back();
      break;
    }
  }
  return search;
}

std::string DefaultConfigPath(const std::string& name, const std::string& suite_path) {
  ConfigSearch search = FindDefaultConfig(name, suite_path);
  if (!search.found.empty()) return search.found;
  return search.looked.empty() ? "configs/" + name : search.looked.front();
}

}  // namespace taskcost
