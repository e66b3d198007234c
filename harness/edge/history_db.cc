#include "harness/edge/history_db.h"

#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <thread>

namespace taskcost {
namespace {

constexpr int kBusyTimeoutMs = 10'000;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS runs(
  run_dir TEXT PRIMARY KEY,
  fingerprint TEXT NOT NULL,
  suite TEXT NOT NULL,
  run_id TEXT NOT NULL,
  started_unix_ms INTEGER NOT NULL,
  simulated INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS candidates(
  run_dir TEXT NOT NULL,
  position INTEGER NOT NULL,
  candidate TEXT NOT NULL,
  baseline INTEGER NOT NULL,
  tasks_run INTEGER NOT NULL,
  successes INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  total_cost_picousd INTEGER NOT NULL,
  spent_picousd INTEGER NOT NULL,
  tasks_unfinished INTEGER NOT NULL,
  tasks_not_run INTEGER NOT NULL,
  PRIMARY KEY(run_dir, candidate));
CREATE INDEX IF NOT EXISTS runs_by_suite ON runs(suite, started_unix_ms);
)sql";

// The columns of each table, in order, as kSchema creates them.
const std::vector<std::string> kRunColumns = {"run_dir", "fingerprint",     "suite",
                                              "run_id",  "started_unix_ms", "simulated"};
const std::vector<std::string> kCandidateColumns = {
    "run_dir",       "position",         "candidate",    "baseline",
    "tasks_run",     "successes",        "attempts",     "total_cost_picousd",
    "spent_picousd", "tasks_unfinished", "tasks_not_run"};

// The primary result codes that say the file is not a usable SQLite database.
bool Damaged(int code) {
  code &= 0xff;
  return code == SQLITE_CORRUPT || code == SQLITE_NOTADB;
}

// A prepared statement, finalized on scope exit.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) { sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  bool ok() const { return stmt_ != nullptr; }
  void Bind(int i, const std::string& text) {
    sqlite3_bind_text(stmt_, i, text.c_str(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  }
  void Bind(int i, int64_t value) { sqlite3_bind_int64(stmt_, i, value); }
  int Step() { return sqlite3_step(stmt_); }
  std::string Text(int i) const {
    const unsigned char* text = sqlite3_column_text(stmt_, i);
    return text == nullptr ? "" : reinterpret_cast<const char*>(text);
  }
  int64_t Int(int i) const { return sqlite3_column_int64(stmt_, i); }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace

struct HistoryDb::Handle {
  sqlite3* db = nullptr;
  std::string path;
  ~Handle() { sqlite3_close(db); }

  Error Fail(const std::string& what) const {
    return MakeError(path + ": " + what + ": " + sqlite3_errmsg(db));
  }
  Status Exec(const char* sql, const std::string& what) {
    if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) return Fail(what);
    return OkStatus();
  }
  Status PrepareTables(std::vector<std::string>* notes);
};

HistoryDb::HistoryDb(std::unique_ptr<Handle> handle) : handle_(std::move(handle)) {}
HistoryDb::~HistoryDb() = default;

namespace {

// The column names of `table`, in order; empty when there is no such table.
std::vector<std::string> ColumnsOf(sqlite3* db, const char* table) {
  Statement q(db, (std::string("PRAGMA table_info(") + table + ")").c_str());
  std::vector<std::string> names;
  while (q.ok() && q.Step() == SQLITE_ROW) names.push_back(q.Text(1));
  return names;
}

// PRAGMA quick_check: "ok", or the first problem it found (`damaged`), or why it could not run.
std::string QuickCheck(sqlite3* db, bool* damaged) {
  Statement q(db, "PRAGMA quick_check(1)");
  if (!q.ok() || q.Step() != SQLITE_ROW) {
    *damaged = Damaged(sqlite3_errcode(db));
    return sqlite3_errmsg(db);
  }
  *damaged = q.Text(0) != "ok";
  return q.Text(0);
}

}  // namespace

// Opens the index; sets `damaged` when the failure says the file is no usable database (not a
// database, or damaged pages), which only deleting it cures.
Result<std::unique_ptr<HistoryDb>> HistoryDb::OpenIndex(const std::string& path,
                                                        std::vector<std::string>* notes,
                                                        bool* damaged) {
  std::error_code ec;
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  auto handle = std::make_unique<Handle>();
  handle->path = path;
  auto failed = [&](Status status) -> Result<std::unique_ptr<HistoryDb>> {
    *damaged = Damaged(sqlite3_errcode(handle->db));
    if (!*damaged) return status.errors();
    return MakeError(path + ": not a readable index (" + sqlite3_errmsg(handle->db) + ")");
  };
  if (sqlite3_open_v2(path.c_str(), &handle->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                      nullptr) != SQLITE_OK) {
    return failed(handle->Fail("cannot open the history index"));
  }
  sqlite3_busy_timeout(handle->db, kBusyTimeoutMs);
  // Runs ending at once may all open a new index. Switching it to WAL takes the exclusive lock,
  // and where waiting could deadlock SQLite answers SQLITE_BUSY at once, without the busy
  // handler: try again for as long as the busy timeout would have waited.
  Status wal = handle->Exec("PRAGMA journal_mode=WAL", "cannot switch to WAL");
  for (int waited_ms = 0;
       !wal.ok() && sqlite3_errcode(handle->db) == SQLITE_BUSY && waited_ms < kBusyTimeoutMs;
       waited_ms += 5) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    wal = handle->Exec("PRAGMA journal_mode=WAL", "cannot switch to WAL");
  }
  if (!wal.ok()) return failed(wal);
  if (const std::string check = QuickCheck(handle->db, damaged); check != "ok") {
    return MakeError(path + (*damaged ? ": not a readable index (quick_check: " + check + ")"
                                      : ": cannot check the history index: " + check));
  }
  // The schema and its version in one write transaction taken up front (BEGIN IMMEDIATE), so a
  // concurrent opener waits in the busy handler instead of failing on a read-to-write upgrade.
  Status begin = handle->Exec("BEGIN IMMEDIATE", "cannot start a transaction");
  if (!begin.ok()) return failed(begin);
  Status ready = handle->PrepareTables(notes);
  if (!ready.ok()) {
    *damaged = Damaged(sqlite3_errcode(handle->db));
    sqlite3_exec(handle->db, "ROLLBACK", nullptr, nullptr, nullptr);
    return ready.errors();
  }
  return std::unique_ptr<HistoryDb>(new HistoryDb(std::move(handle)));
}

// Inside the open transaction: refuses a newer schema; replaces tables of another shape (an
// older schema, or a file someone else wrote) with empty ones, noting it; commits.
Status HistoryDb::Handle::PrepareTables(std::vector<std::string>* notes) {
  int64_t found = 0;
  {
    Statement version(db, "PRAGMA user_version");
    found = version.ok() && version.Step() == SQLITE_ROW ? version.Int(0) : 0;
  }
  if (found > kHistorySchemaVersion) {
    return MakeError(path + ": history index schema " + std::to_string(found) +
                     " is newer than this build of taskcost reads (" +
                     std::to_string(kHistorySchemaVersion) +
                     "); upgrade taskcost, or delete the file to rebuild it");
  }
  const std::vector<std::string> runs = ColumnsOf(db, "runs");
  const std::vector<std::string> candidates = ColumnsOf(db, "candidates");
  const bool fresh = runs.empty() && candidates.empty();
  if (!fresh && (runs != kRunColumns || candidates != kCandidateColumns)) {
    Status dropped = Exec(
        "DROP INDEX IF EXISTS runs_by_suite; DROP TABLE IF EXISTS candidates; "
        "DROP TABLE IF EXISTS runs;",
        "cannot replace the history tables");
    if (!dropped.ok()) return dropped;
    const std::string was = found < kHistorySchemaVersion
                                ? "of schema " + std::to_string(found) + ", this build writes " +
                                      std::to_string(kHistorySchemaVersion)
                                : "with tables of another shape";
    if (notes != nullptr) {
      notes->push_back(path + ": history index " + was +
                       "; emptied, to be rebuilt from the run directories");
    }
  }
  if (Status created = Exec(kSchema, "cannot create the history tables"); !created.ok()) {
    return created;
  }
  const std::string set = "PRAGMA user_version = " + std::to_string(kHistorySchemaVersion);
  if (Status version = Exec(set.c_str(), "cannot set the schema version"); !version.ok()) {
    return version;
  }
  return Exec("COMMIT", "cannot create the history tables");
}

Result<std::unique_ptr<HistoryDb>> HistoryDb::Open(const std::string& path,
                                                   std::vector<std::string>* notes) {
  bool damaged = false;
  return OpenIndex(path, notes, &damaged);
}

Result<std::unique_ptr<HistoryDb>> HistoryDb::OpenOrRebuild(const std::string& path,
                                                            std::vector<std::string>* notes) {
  bool damaged = false;
  Result<std::unique_ptr<HistoryDb>> db = OpenIndex(path, notes, &damaged);
  if (db.ok() || !damaged) return db;
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::error_code ec;
    std::filesystem::remove(path + suffix, ec);
    if (ec) return db;  // cannot delete it: the first error says what is wrong
  }
  if (notes != nullptr) {
    notes->push_back(db.error().message +
                     "; it holds only derived data: deleted, to be rebuilt from the run "
                     "directories");
  }
  return OpenIndex(path, notes, &damaged);
}

Status HistoryDb::Index(const std::string& run_dir, const std::string& fingerprint,
                        const std::vector<HistoryPoint>& points) {
  Handle& h = *handle_;
  Status begin = h.Exec("BEGIN IMMEDIATE", "cannot start a transaction");
  if (!begin.ok()) return begin;
  auto fail = [&](const std::string& what) {
    const Error error = h.Fail(what);
    static_cast<void>(h.Exec("ROLLBACK", "rollback"));  // the first error is the one to report
    return Status(error);
  };
  Status forgot = Forget(run_dir);
  if (!forgot.ok()) return fail("cannot replace the run");
  if (!points.empty()) {
    const HistoryPoint& first = points.front();
    Statement run(h.db,
                  "INSERT INTO runs(run_dir, fingerprint, suite, run_id, started_unix_ms, "
                  "simulated) VALUES(?,?,?,?,?,?)");
    run.Bind(1, run_dir);
    run.Bind(2, fingerprint);
    run.Bind(3, first.suite);
    run.Bind(4, first.run_id);
    run.Bind(5, first.started_unix_ms);
    run.Bind(6, int64_t{first.simulated ? 1 : 0});
    if (!run.ok() || run.Step() != SQLITE_DONE) return fail("cannot index the run");
    for (size_t i = 0; i < points.size(); ++i) {
      const HistoryPoint& p = points[i];
      Statement c(h.db,
                  "INSERT INTO candidates(run_dir, position, candidate, baseline, tasks_run, "
                  "successes, attempts, total_cost_picousd, spent_picousd, tasks_unfinished, "
                  "tasks_not_run) VALUES(?,?,?,?,?,?,?,?,?,?,?)");
      c.Bind(1, run_dir);
      c.Bind(2, static_cast<int64_t>(i));
      c.Bind(3, p.candidate);
      c.Bind(4, int64_t{p.baseline ? 1 : 0});
      c.Bind(5, p.tasks_run);
      c.Bind(6, p.successes);
      c.Bind(7, p.attempts);
      c.Bind(8, p.total_cost.picos());
      c.Bind(9, p.spent.picos());
      c.Bind(10, p.tasks_unfinished);
      c.Bind(11, p.tasks_not_run);
      if (!c.ok() || c.Step() != SQLITE_DONE) return fail("cannot index a candidate");
    }
  }
  return h.Exec("COMMIT", "cannot commit");
}

Status HistoryDb::Forget(const std::string& run_dir) {
  for (const char* sql :
       {"DELETE FROM candidates WHERE run_dir = ?", "DELETE FROM runs WHERE run_dir = ?"}) {
    Statement del(handle_->db, sql);
    del.Bind(1, run_dir);
    if (!del.ok() || del.Step() != SQLITE_DONE) return handle_->Fail("cannot forget " + run_dir);
  }
  return OkStatus();
}

Result<std::map<std::string, std::string>> HistoryDb::Fingerprints() {
  Statement q(handle_->db, "SELECT run_dir, fingerprint FROM runs");
  if (!q.ok()) return handle_->Fail("cannot read the index");
  std::map<std::string, std::string> out;
  int rc = SQLITE_ROW;
  while ((rc = q.Step()) == SQLITE_ROW) out[q.Text(0)] = q.Text(1);
  if (rc != SQLITE_DONE) return handle_->Fail("cannot read the index");
  return out;
}

Result<std::vector<HistoryPoint>> HistoryDb::Points(const std::string& suite,
                                                    int64_t since_unix_ms) {
  Statement q(handle_->db,
              "SELECT r.suite, r.run_id, r.run_dir, r.started_unix_ms, r.simulated, c.candidate, "
              "c.baseline, c.tasks_run, c.successes, c.attempts, c.total_cost_picousd, "
              "c.spent_picousd, c.tasks_unfinished, c.tasks_not_run "
              "FROM runs r JOIN candidates c ON c.run_dir = r.run_dir "
              "WHERE (?1 = '' OR r.suite = ?1) AND r.started_unix_ms >= ?2 "
              "ORDER BY r.suite, r.started_unix_ms, r.run_dir, c.position");
  if (!q.ok()) return handle_->Fail("cannot read the index");
  q.Bind(1, suite);
  q.Bind(2, since_unix_ms);
  std::vector<HistoryPoint> points;
  int rc = SQLITE_ROW;
  while ((rc = q.Step()) == SQLITE_ROW) {
    points.push_back({q.Text(0), q.Text(1), q.Text(2), q.Int(3), q.Int(4) != 0, q.Text(5),
                      q.Int(6) != 0, q.Int(7), q.Int(8), q.Int(9), Money::FromPicos(q.Int(10)),
                      Money::FromPicos(q.Int(11)), q.Int(12), q.Int(13)});
  }
  if (rc != SQLITE_DONE) return handle_->Fail("cannot read the index");
  return points;
}

}  // namespace taskcost
