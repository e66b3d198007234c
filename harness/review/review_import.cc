#include "harness/review/review_import.h"

#include "harness/core/formats/content_hash.h"
#include "harness/edge/run_dir.h"
#include "harness/review/review_store.h"

namespace taskcost {
namespace {

bool LooksLikeCsv(const std::string& file, const std::string& bytes) {
  const std::string ext = file.size() >= 4 ? file.substr(file.size() - 4) : "";
  if (ext == ".csv" || ext == ".CSV") return true;
  return bytes.rfind("PK", 0) != 0;  // XLSX is a zip archive
}

Result<std::vector<SheetTable>> ReadTables(const std::string& file, const std::string& bytes) {
  if (!LooksLikeCsv(file, bytes)) return ReadXlsxTables(file);
  Result<SheetTable> table = ReadCsvTable(bytes, file);
  if (!table.ok()) return table.errors();
  return std::vector<SheetTable>{std::move(table).value()};
}

std::string TimeText(int64_t unix_ms) { return RunIdFor(unix_ms); }

}  // namespace

Result<ImportOutcome> ImportSheet(const ImportRequest& request) {
  Result<std::vector<SheetKey>> keys = LoadSheetKeys(request.run_dir);
  if (!keys.ok()) return keys.errors();
  if (keys->empty()) {
    return MakeError(request.run_dir +
                     ": no review sheet was exported from this run; run "
                     "'taskcost review export' first");
  }
  Result<std::string> bytes = ReadWholeFile(request.file);
  if (!bytes.ok()) return bytes.errors();
  const std::string hash = ContentHash({*bytes});
  Result<std::vector<StoredImport>> imports = LoadImports(request.run_dir);
  if (!imports.ok()) return imports.errors();
  ImportOutcome outcome;
  for (const StoredImport& stored : *imports) {
    if (stored.record.sha256 != hash) continue;
    outcome.already_imported = true;
    outcome.record_path = stored.path;
    outcome.record = stored.record;
    return outcome;
  }
  Result<std::vector<SheetTable>> tables = ReadTables(request.file, *bytes);
  if (!tables.ok()) return tables.errors();
  Result<SheetScores> scores = ReadScores(*tables, request.file, request.run_id, *keys);
  if (!scores.ok()) return scores.errors();
  const SheetKey* key = nullptr;
  for (const SheetKey& k : *keys) {
    if (k.sheet_id == scores->sheet_id) key = &k;
  }
  ImportRecord& record = outcome.record;
  record.run_id = request.run_id;
  record.sheet_id = scores->sheet_id;
  record.reviewer = request.reviewer.empty() ? key->reviewer : request.reviewer;
  record.file = request.file;
  record.sha256 = hash;
  record.imported_unix_ms = request.now_unix_ms;
  record.rows = scores->rows;
  record.blank = scores->blank;
  record.rejected = static_cast<int64_t>(scores->problems.size());
  record.scores = scores->scores;
  outcome.problems = scores->problems;
  if (record.reviewer.empty()) {
    return MakeError(request.file + ": sheet " + record.sheet_id +
                     " was exported without --reviewer; say who scored it with --reviewer NAME");
  }
  StoredImport* earlier = nullptr;
  for (StoredImport& stored : imports.value()) {
    if (stored.record.sheet_id == record.sheet_id && stored.record.reviewer == record.reviewer &&
        stored.record.superseded_by.empty()) {
      earlier = &stored;
    }
  }
  if (earlier != nullptr && !request.replace) {
    return MakeError(request.file + ": sheet " + record.sheet_id + " scored by " + record.reviewer +
                     " was already imported from " + earlier->record.file + " at " +
                     TimeText(earlier->record.imported_unix_ms) + " (" + earlier->path +
                     ") and this file differs; pass --replace to replace that import, or "
                     "--reviewer NAME if another reviewer scored it");
  }
  if (!outcome.problems.empty() && !request.skip_bad_rows) return outcome;
  if (record.scores.empty()) {
    return MakeError(request.file + ": no score in sheet " + record.sheet_id + " (" +
                     std::to_string(record.blank) + " rows blank); nothing recorded");
  }
  if (earlier != nullptr) record.supersedes = earlier->path;
  Result<std::string> path = SaveImport(request.run_dir, record);
  if (!path.ok()) return path.errors();
  if (earlier != nullptr) {
    earlier->record.superseded_by = *path;
    Status rewrote = RewriteImport(*earlier);
    if (!rewrote.ok()) return rewrote.errors();
  }
  outcome.recorded = true;
  outcome.record_path = *path;
  return outcome;
}

}  // namespace taskcost
