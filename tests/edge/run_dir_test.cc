// Run directories: a run never writes into another run's directory, even when two runs of a
// suite start in the same second (the run id has one-second resolution).
#include "harness/edge/run_dir.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <set>
#include <thread>
#include <vector>

#include "tests/edge/temp_dir.h"

namespace taskcost {

TEST_CASE("run_dir: runs started in the same second get their own directories") {
  testing::TempDir dir;
  const std::string parent = dir.File("results/suite");
  const std::string id = RunIdFor(1'795'428'252'123);
  CHECK(id == "2026-11-23T10-04-12Z");
  CHECK(ClaimRunDir(parent, id).value() == id);
  CHECK(ClaimRunDir(parent, id).value() == id + "-2");
  CHECK(ClaimRunDir(parent, id).value() == id + "-3");
  CHECK(std::filesystem::is_directory(parent + "/" + id + "-3"));

  SUBCASE("eight claims at once each get a different directory") {
    std::vector<std::string> ids(8);
    std::vector<std::thread> threads;
    for (size_t i = 0; i < ids.size(); ++i) {
      threads.emplace_back(
          [&, i] { ids[i] = ClaimRunDir(parent, "2026-11-30T10-00-00Z").value(); });
    }
    for (std::thread& t : threads) t.join();
    CHECK(std::set<std::string>(ids.begin(), ids.end()).size() == 8);
  }
  SUBCASE("a parent that cannot be created is an error naming it") {
    Result<std::string> claimed = ClaimRunDir("/proc/taskcost-no", id);
    REQUIRE_FALSE(claimed.ok());
    CHECK(claimed.error().message.find("cannot create /proc/taskcost-no") == 0);
  }
}

}  // namespace taskcost
