#include "harness/edge/history_db.h"

#include <sqlite3.h>

#include <filesystem>

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
  PRIMARY KEY(run_dir, candidate));
CREATE INDEX IF NOT EXISTS runs_by_suite ON runs(suite, started_unix_ms);
)sql";

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
};

HistoryDb::HistoryDb(std::unique_ptr<Handle> handle) : handle_(std::move(handle)) {}
HistoryDb::~HistoryDb() = default;

Result<std::unique_ptr<HistoryDb>> HistoryDb::Open(const std::string& path) {
  std::error_code ec;
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  auto handle = std::make_unique<Handle>();
  handle->path = path;
  if (sqlite3_open_v2(path.c_str(), &handle->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                      nullptr) != SQLITE_OK) {
    return handle->Fail("cannot open the history index");
  }
  sqlite3_busy_timeout(handle->db, kBusyTimeoutMs);
  for (Status s : {handle->Exec("PRAGMA journal_mode=WAL", "cannot switch to WAL"),
                   handle->Exec(kSchema, "cannot create the history tables")}) {
    if (!s.ok()) return s.errors();
  }
  Statement version(handle->db, "PRAGMA user_version");
  const int64_t found = version.ok() && version.Step() == SQLITE_ROW ? version.Int(0) : 0;
  if (found > kHistorySchemaVersion) {
    return MakeError(path + ": history index schema " + std::to_string(found) +
                     " is newer than this build of taskcost reads (" +
                     std::to_string(kHistorySchemaVersion) + "); upgrade taskcost, or delete " +
                     "the file to rebuild it");
  }
  Status set = handle->Exec("PRAGMA user_version = 1", "cannot set the schema version");
  if (!set.ok()) return set.errors();
  return std::unique_ptr<HistoryDb>(new HistoryDb(std::move(handle)));
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
    Statement run(h.db, "INSERT INTO runs VALUES(?,?,?,?,?,?)");
    run.Bind(1, run_dir);
    run.Bind(2, fingerprint);
    run.Bind(3, first.suite);
    run.Bind(4, first.run_id);
    run.Bind(5, first.started_unix_ms);
    run.Bind(6, int64_t{first.simulated ? 1 : 0});
    if (!run.ok() || run.Step() != SQLITE_DONE) return fail("cannot index the run");
    for (size_t i = 0; i < points.size(); ++i) {
      const HistoryPoint& p = points[i];
      Statement c(h.db, "INSERT INTO candidates VALUES(?,?,?,?,?,?,?,?,?)");
      c.Bind(1, run_dir);
      c.Bind(2, static_cast<int64_t>(i));
      c.Bind(3, p.candidate);
      c.Bind(4, int64_t{p.baseline ? 1 : 0});
      c.Bind(5, p.tasks_run);
      c.Bind(6, p.successes);
      c.Bind(7, p.attempts);
      c.Bind(8, p.total_cost.picos());
      c.Bind(9, p.spent.picos());
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
              "c.spent_picousd FROM runs r JOIN candidates c ON c.run_dir = r.run_dir "
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
                      Money::FromPicos(q.Int(11))});
  }
  if (rc != SQLITE_DONE) return handle_->Fail("cannot read the index");
  return points;
}

}  // namespace taskcost
