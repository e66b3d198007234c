// A fuzz target's finding kept as a regression test's input (docs/fuzzing.md, "From a finding
// to a test"): the bytes of tests/fuzz/findings/NAME. Test-only; needs TASKCOST_SOURCE_DIR,
// which every test area defines.
#pragma once

#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

namespace taskcost::fuzz {

inline std::string Finding(const std::string& name) {
  const std::string path = std::string(TASKCOST_SOURCE_DIR) + "/tests/fuzz/findings/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read the fuzz finding " + path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace taskcost::fuzz
