// Helpers for the configuration loader tests: a temporary directory of user files, removed on
// destruction, and the path of the checked-in fixtures under tests/data/config/.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "harness/core/model/result.h"

namespace taskcost::testing {

/// A small valid suite.yaml (10 lines, inline samples and schema); tests append to it or change
/// one part at a time.
inline constexpr const char* kMinimalSuite =
    "suite: s\n"
    "samples:\n"
    "  - {id: a, text: hello}\n"
    "  - {id: b, text: world}\n"
    "prompt:\n"
    "  user: \"Say {{text}}\"\n"
    "output:\n"
    "  schema: {type: object, properties: {answer: {type: string}}}\n"
    "candidates:\n"
    "  - {id: one, provider: openai, model: gpt-4.1}\n";

inline std::string FixturePath(const std::string& relative) {
  return std::string(TASKCOST_SOURCE_DIR) + "/tests/data/config/" + relative;
}

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "taskcost-config-XXXXXX");
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }

  /// Writes `text` to `name` under the directory (creating subdirectories); returns its path.
  std::string Write(const std::string& name, const std::string& text) const {
    std::filesystem::path file = std::filesystem::path(path_) / name;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << text;
    return file.string();
  }

  /// Every error on its own line, with this directory's prefix removed so that expectations
  /// read "suite.yaml:3:5: ...".
  std::string Relative(const Errors& errors) const {
    std::string text = FormatErrors(errors);
    const std::string prefix = path_ + "/";
    for (size_t at = text.find(prefix); at != std::string::npos; at = text.find(prefix, at)) {
      text.erase(at, prefix.size());
    }
    return text;
  }

 private:
  std::string path_;
};

}  // namespace taskcost::testing
