#include "tests/fuzz/fuzz_util.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace taskcost::fuzz {
namespace {

void RemoveScratch() {
  std::error_code ignored;
  std::filesystem::remove_all(ScratchDir(), ignored);
}

std::string MakeScratchDir() {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern =
      std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/taskcost-fuzz-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("cannot create a scratch directory at " + pattern);
  }
  std::atexit(RemoveScratch);
  return pattern;
}

}  // namespace

const std::string& ScratchDir() {
  // Never destroyed, so that RemoveScratch can still name it at exit.
  static const std::string& dir = *new std::string(MakeScratchDir());
  return dir;
}

std::string WriteScratch(const std::string& name, std::string_view bytes) {
  const std::filesystem::path path = std::filesystem::path(ScratchDir()) / name;
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) throw std::runtime_error("cannot write " + path.string());
  return path.string();
}

}  // namespace taskcost::fuzz
