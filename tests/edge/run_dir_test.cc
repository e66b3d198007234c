// Run directories: a run never writes into another run's directory, even when two runs of a
// suite start in the same second (the run id has one-second resolution), and two runs never
// write one directory at once (issue 12, item 7: a lock held while a run writes it).
#include "harness/edge/run_dir.h"

#include <doctest/doctest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include "tests/edge/temp_dir.h"

namespace taskcost::run_dir_test {

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

namespace {

std::string InUse(const std::string& dir, pid_t pid) {
  return "run directory " + dir + " is in use by another taskcost run (pid " + std::to_string(pid) +
         "); wait for it to end, or stop it, before running this directory again";
}

}  // namespace

TEST_CASE("run_dir: a directory a run holds is refused to another, naming the holder's pid") {
  testing::TempDir dir;
  const std::string run = dir.File("run");
  std::filesystem::create_directories(run);
  std::optional<RunDirLock> held(RunDirLock::Acquire(run).value());
  // A second open of the lock file is a second lock, refused even within one process.
  Result<RunDirLock> second = RunDirLock::Acquire(run);
  REQUIRE_FALSE(second.ok());
  CHECK(second.error().ToString() == InUse(run, ::getpid()));
  held.reset();  // the run ended
  CHECK(RunDirLock::Acquire(run).ok());
}

TEST_CASE("run_dir: a run killed with SIGKILL leaves its directory unlocked") {
  testing::TempDir dir;
  const std::string run = dir.File("run");
  std::filesystem::create_directories(run);
  int ready[2];
  REQUIRE(::pipe(ready) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {  // holds the lock until killed
    Result<RunDirLock> lock = RunDirLock::Acquire(run);
    const char byte = lock.ok() ? 'y' : 'n';
    if (::write(ready[1], &byte, 1) != 1) ::_exit(1);
    for (;;) ::pause();
  }
  char byte = 0;
  REQUIRE(::read(ready[0], &byte, 1) == 1);
  REQUIRE(byte == 'y');
  Result<RunDirLock> refused = RunDirLock::Acquire(run);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().ToString() == InUse(run, child));
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  ::close(ready[0]);
  ::close(ready[1]);
  CHECK(RunDirLock::Acquire(run).ok());  // the kernel released it with the process
}

TEST_CASE("run_dir: a new run's directory is locked, and refused when it holds anything else") {
  testing::TempDir dir;
  const std::string run = dir.File("out/run");
  Result<RunDirLock> created = CreateRunDir(run);
  REQUIRE(created.ok());
  CHECK(std::filesystem::exists(run + "/run.lock"));
  // Two runs given the same --out: the second waits for nothing, it is refused.
  Result<RunDirLock> again = CreateRunDir(run);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().ToString() == InUse(run, ::getpid()));
  created = Error{};  // the first run ended; its lock file stays behind, nothing else
  CHECK(CreateRunDir(run).ok());
  std::ofstream(run + "/run.json") << "{}";
  Result<RunDirLock> used = CreateRunDir(run);
  REQUIRE_FALSE(used.ok());
  CHECK(used.error().ToString() == "run directory " + run +
                                       " already exists and is not empty; pass --resume " + run +
                                       " to continue it, or choose another --out");
}

}  // namespace taskcost::run_dir_test

namespace taskcost::run_dir_test {

TEST_CASE("run_dir: a sheet, scores file or baseline from outside is read bounded") {
  testing::TempDir dir;
  // A FIFO (reading it would wait for a writer forever) and a directory: refused at once.
  const std::string fifo = dir.File("scores.csv");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  Result<std::string> read = ReadWholeFile(fifo);
  REQUIRE_FALSE(read.ok());
  CHECK(read.error().ToString() == fifo + ": cannot read file (it is a FIFO, not a regular file)");
  REQUIRE_FALSE(ReadWholeFile(dir.path()).ok());
  // 64 MiB is read; one byte more is refused without reading it.
  const std::string big = dir.File("baseline.json");
  std::ofstream(big).close();
  std::filesystem::resize_file(big, (size_t{64} << 20) + 1);
  read = ReadWholeFile(big);
  REQUIRE_FALSE(read.ok());
  CHECK(read.error().ToString() ==
        big + ": the file is 67108865 bytes; at most 67108864 (64 MiB) are read");
  std::filesystem::resize_file(big, size_t{64} << 20);
  read = ReadWholeFile(big);
  REQUIRE(read.ok());
  CHECK(read->size() == size_t{64} << 20);
}

}  // namespace taskcost::run_dir_test
