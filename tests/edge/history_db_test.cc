#include "harness/edge/history_db.h"

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <filesystem>
#include <thread>

#include "tests/edge/temp_dir.h"

namespace taskcost {
namespace {

HistoryPoint Point(const std::string& suite, const std::string& run, int64_t at,
                   const std::string& candidate, int64_t cost) {
  HistoryPoint p;
  p.suite = suite;
  p.run_id = run;
  p.run_dir = suite + "/" + run;
  p.started_unix_ms = at;
  p.candidate = candidate;
  p.tasks_run = 4;
  p.successes = 3;
  p.attempts = 5;
  p.total_cost = Money::FromPicos(cost);
  p.spent = Money::FromPicos(cost / 2);
  return p;
}

}  // namespace

TEST_CASE("history index: runs are stored exactly, replaced whole, filtered by suite and time") {
  testing::TempDir dir;
  const std::string path = dir.path() + "/results/history.sqlite";
  {
    auto db = HistoryDb::Open(path);
    REQUIRE(db.ok());
    REQUIRE((*db)
                ->Index("a/r1", "f1",
                        {Point("a", "r1", 100, "big", 9'000'000'000'001),
                         Point("a", "r1", 100, "small", 7)})
                .ok());
    REQUIRE((*db)->Index("b/r1", "f1", {Point("b", "r1", 50, "big", 1)}).ok());
    REQUIRE((*db)->Index("a/r2", "f2", {Point("a", "r2", 200, "small", 8)}).ok());
  }
  auto db = HistoryDb::Open(path);  // reopened: the rows persisted
  REQUIRE(db.ok());
  auto a = (*db)->Points("a", 0);
  REQUIRE(a.ok());
  REQUIRE(a->size() == 3);
  CHECK((*a)[0].candidate == "big");  // r1's candidates in their order, then r2
  CHECK((*a)[0].total_cost.picos() == 9'000'000'000'001);
  CHECK((*a)[0].spent.picos() == 4'500'000'000'000);
  CHECK((*a)[0].successes == 3);
  CHECK((*a)[1].candidate == "small");
  CHECK((*a)[2].run_id == "r2");
  CHECK((*db)->Points("", 0)->size() == 4);
  CHECK((*db)->Points("a", 150)->size() == 1);

  // A resumed run is indexed again: its rows are replaced, not added.
  REQUIRE((*db)->Index("a/r1", "f1b", {Point("a", "r1", 100, "small", 70)}).ok());
  CHECK((*db)->Points("a", 0)->size() == 2);
  CHECK((*db)->Fingerprints()->at("a/r1") == "f1b");
  REQUIRE((*db)->Forget("a/r2").ok());
  CHECK((*db)->Points("a", 0)->size() == 1);
  CHECK((*db)->Fingerprints()->count("a/r2") == 0);
}

TEST_CASE("history index: runs ending at once each index their run (WAL, busy timeout)") {
  testing::TempDir dir;
  const std::string path = dir.path() + "/history.sqlite";
  constexpr int kWriters = 4, kRuns = 15;
  std::vector<std::thread> writers;
  std::vector<int> failures(kWriters, 0);
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      auto db = HistoryDb::Open(path);  // its own connection, as a separate process would
      if (!db.ok()) {
        ++failures[w];
        return;
      }
      for (int r = 0; r < kRuns; ++r) {
        const std::string run = "w" + std::to_string(w) + "r" + std::to_string(r);
        const std::vector<HistoryPoint> points = {Point("s", run, r, "big", 1),
                                                  Point("s", run, r, "small", 2)};
        if (!(*db)->Index("s/" + run, "f", points).ok()) ++failures[w];
      }
    });
  }
  for (std::thread& t : writers) t.join();
  CHECK(failures == std::vector<int>(kWriters, 0));
  auto db = HistoryDb::Open(path);
  REQUIRE(db.ok());
  CHECK((*db)->Points("s", 0)->size() == 2 * kWriters * kRuns);
  CHECK((*db)->Fingerprints()->size() == kWriters * kRuns);
}

TEST_CASE("history index: a newer schema is refused with what to do") {
  testing::TempDir dir;
  const std::string path = dir.path() + "/history.sqlite";
  REQUIRE(HistoryDb::Open(path).ok());
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
  REQUIRE(sqlite3_exec(raw, "PRAGMA user_version = 2", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(raw);
  auto db = HistoryDb::Open(path);
  REQUIRE_FALSE(db.ok());
  CHECK(db.error().message == path +
                                  ": history index schema 2 is newer than this build of "
                                  "taskcost reads (1); upgrade taskcost, or delete the file "
                                  "to rebuild it");
}

TEST_CASE("history index: a file that is not a database is an error naming it") {
  testing::TempDir dir;
  const std::string path = dir.path() + "/history.sqlite";
  FILE* f = std::fopen(path.c_str(), "w");
  std::fputs("this is not sqlite, just text that is long enough to have a header.......", f);
  std::fclose(f);
  auto db = HistoryDb::Open(path);
  REQUIRE_FALSE(db.ok());
  CHECK(db.error().message.rfind(path + ": ", 0) == 0);
}

}  // namespace taskcost
