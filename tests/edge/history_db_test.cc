#include "harness/edge/history_db.h"

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <filesystem>
#include <thread>

#include "tests/edge/temp_dir.h"

namespace taskcost::history_db_test {
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
  REQUIRE(sqlite3_exec(raw, "PRAGMA user_version = 3", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(raw);
  std::vector<std::string> notes;
  auto db = HistoryDb::OpenOrRebuild(path, &notes);  // not damage: left as it is
  REQUIRE_FALSE(db.ok());
  CHECK(db.error().message == path +
                                  ": history index schema 3 is newer than this build of "
                                  "taskcost reads (2); upgrade taskcost, or delete the file "
                                  "to rebuild it");
  CHECK(notes.empty());
  CHECK(std::filesystem::exists(path));
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

namespace {

// Indexes `runs` runs of two candidates each, as a results directory of that many runs would.
void IndexRuns(const std::string& path, int runs) {
  auto db = HistoryDb::Open(path);
  REQUIRE(db.ok());
  for (int r = 0; r < runs; ++r) {
    const std::string run = "r" + std::to_string(r);
    REQUIRE(
        (*db)
            ->Index("a/" + run, "f", {Point("a", run, r, "big", 1), Point("a", run, r, "small", 2)})
            .ok());
  }
}

void Exec(const std::string& path, const char* sql) {
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
  CHECK(sqlite3_exec(raw, sql, nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(raw);
}

// After a rebuild: empty, and it indexes and reads back like a new index.
void CheckUsableAndEmpty(HistoryDb& db) {
  CHECK(db.Points("", 0)->empty());
  HistoryPoint p = Point("a", "r9", 9, "big", 5);
  p.tasks_unfinished = 1;
  p.tasks_not_run = 2;
  REQUIRE(db.Index("a/r9", "f9", {p}).ok());
  const std::vector<HistoryPoint> back = *db.Points("a", 0);
  REQUIRE(back.size() == 1);
  CHECK(back[0].tasks_unfinished == 1);
  CHECK(back[0].tasks_not_run == 2);
  CHECK(back[0].Partial());
}

}  // namespace

TEST_CASE("history index: a damaged file is deleted and started anew, with a note") {
  testing::TempDir dir;
  const std::string path = dir.path() + "/history.sqlite";
  std::vector<std::string> notes;
  SUBCASE("garbage bytes") {
    FILE* f = std::fopen(path.c_str(), "w");
    std::fputs("this is not sqlite, just text that is long enough to have a header.......", f);
    std::fclose(f);
    auto db = HistoryDb::OpenOrRebuild(path, &notes);
    REQUIRE_MESSAGE(db.ok(), (db.ok() ? std::string() : db.error().message));
    REQUIRE(notes.size() == 1);
    CHECK(notes[0] == path +
                          ": not a readable index (file is not a database); it holds only "
                          "derived data: deleted, to be rebuilt from the run directories");
    CheckUsableAndEmpty(**db);
  }
  SUBCASE("truncated") {
    IndexRuns(path, 300);  // many pages; the last connection's close checkpoints the WAL
    REQUIRE_FALSE(std::filesystem::exists(path + "-wal"));
    const auto size = std::filesystem::file_size(path);
    REQUIRE(size > 8 * 4096);
    std::filesystem::resize_file(path, size / 2);
    auto db = HistoryDb::OpenOrRebuild(path, &notes);
    REQUIRE_MESSAGE(db.ok(), (db.ok() ? std::string() : db.error().message));
    REQUIRE(notes.size() == 1);
    CHECK(notes[0] == path +
                          ": not a readable index (database disk image is malformed); it holds "
                          "only derived data: deleted, to be rebuilt from the run directories");
    CheckUsableAndEmpty(**db);
  }
}

TEST_CASE("history index: tables of another shape or an older schema are emptied, with a note") {
  testing::TempDir dir;
  const std::string path = dir.path() + "/history.sqlite";
  std::vector<std::string> notes;
  SUBCASE("another shape under the current version") {
    Exec(path, "CREATE TABLE runs(x TEXT); INSERT INTO runs VALUES('?'); PRAGMA user_version = 2;");
    auto db = HistoryDb::Open(path, &notes);
    REQUIRE(db.ok());
    CHECK(notes == std::vector<std::string>{
                       path + ": history index with tables of another shape; emptied, to be "
                              "rebuilt from the run directories"});
    CheckUsableAndEmpty(**db);
  }
  SUBCASE("schema 1, before tasks unfinished and not run were kept") {
    Exec(path,
         "CREATE TABLE runs(run_dir TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, suite TEXT NOT "
         "NULL, run_id TEXT NOT NULL, started_unix_ms INTEGER NOT NULL, simulated INTEGER NOT "
         "NULL); CREATE TABLE candidates(run_dir TEXT NOT NULL, position INTEGER NOT NULL, "
         "candidate TEXT NOT NULL, baseline INTEGER NOT NULL, tasks_run INTEGER NOT NULL, "
         "successes INTEGER NOT NULL, attempts INTEGER NOT NULL, total_cost_picousd INTEGER NOT "
         "NULL, spent_picousd INTEGER NOT NULL, PRIMARY KEY(run_dir, candidate)); INSERT INTO "
         "runs VALUES('a/r1','f','a','r1',1,0); PRAGMA user_version = 1;");
    auto db = HistoryDb::Open(path, &notes);
    REQUIRE(db.ok());
    CHECK(notes ==
          std::vector<std::string>{path + ": history index of schema 1, this build writes 2; "
                                          "emptied, to be rebuilt from the run directories"});
    CHECK((*db)->Fingerprints()->empty());  // so every run directory is indexed again
    CheckUsableAndEmpty(**db);
  }
}

}  // namespace taskcost::history_db_test
