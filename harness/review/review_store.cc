#include "harness/review/review_store.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <tuple>

#include "harness/edge/run_dir.h"

namespace fs = std::filesystem;

namespace taskcost {
namespace {

// The JSON files of a directory, sorted by name; none when it does not exist.
std::vector<std::string> JsonFiles(const fs::path& dir) {
  std::vector<std::string> files;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

Status MakeDirs(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return MakeError(dir.string() + ": " + ec.message());
  return OkStatus();
}

// Every file of review/<sub>/ read with `parse(text, file)`, by file name.
template <class T, class Parse>
Result<std::vector<std::pair<std::string, T>>> LoadAll(const std::string& run_dir, const char* sub,
                                                       Parse parse) {
  std::vector<std::pair<std::string, T>> out;
  for (const std::string& file : JsonFiles(fs::path(ReviewDir(run_dir)) / sub)) {
    Result<std::string> text = ReadWholeFile(file);
    if (!text.ok()) return text.errors();
    Result<T> value = parse(*text, file);
    if (!value.ok()) return value.errors();
    out.emplace_back(file, std::move(value).value());
  }
  return out;
}

}  // namespace

std::string ReviewDir(const std::string& run_dir) {
  return (fs::path(run_dir) / "review").string();
}

Result<std::string> SaveSheetKey(const std::string& run_dir, const SheetKey& key) {
  const fs::path dir = fs::path(ReviewDir(run_dir)) / "sheets";
  Status made = MakeDirs(dir);
  if (!made.ok()) return made.errors();
  const std::string path = (dir / (key.sheet_id + ".json")).string();
  std::error_code ec;
  if (fs::exists(path, ec)) return MakeError(path + ": a sheet key with this id exists already");
  Status wrote = WriteFileAtomic(path, SheetKeyToJson(key));
  if (!wrote.ok()) return wrote.errors();
  return path;
}

Result<std::vector<SheetKey>> LoadSheetKeys(const std::string& run_dir) {
  auto loaded = LoadAll<SheetKey>(run_dir, "sheets", SheetKeyFromJson);
  if (!loaded.ok()) return loaded.errors();
  std::vector<SheetKey> keys;
  for (auto& [file, key] : loaded.value()) keys.push_back(std::move(key));
  std::stable_sort(keys.begin(), keys.end(), [](const SheetKey& a, const SheetKey& b) {
    return a.created_unix_ms < b.created_unix_ms;
  });
  return keys;
}

Result<std::vector<StoredImport>> LoadImports(const std::string& run_dir) {
  auto loaded = LoadAll<ImportRecord>(run_dir, "imports", ImportRecordFromJson);
  if (!loaded.ok()) return loaded.errors();
  std::vector<StoredImport> imports;
  for (auto& [file, record] : loaded.value())
    imports.push_back(StoredImport{file, std::move(record)});
  return imports;
}

Result<std::string> SaveImport(const std::string& run_dir, const ImportRecord& record) {
  const fs::path dir = fs::path(ReviewDir(run_dir)) / "imports";
  Status made = MakeDirs(dir);
  if (!made.ok()) return made.errors();
  for (int n = 1; n < 100000; ++n) {
    char name[32];
    std::snprintf(name, sizeof name, "%04d.json", n);
    const std::string path = (dir / name).string();
    std::error_code ec;
    if (fs::exists(path, ec)) continue;
    Status wrote = WriteFileAtomic(path, ImportRecordToJson(record));
    if (!wrote.ok()) return wrote.errors();
    return path;
  }
  return MakeError(dir.string() + ": too many imports");
}

Status RewriteImport(const StoredImport& stored) {
  return WriteFileAtomic(stored.path, ImportRecordToJson(stored.record));
}

Result<std::optional<ExpertInput>> LoadExpertInput(const std::string& run_dir) {
  Result<std::vector<StoredImport>> imports = LoadImports(run_dir);
  if (!imports.ok()) return imports.errors();
  if (imports->empty()) return std::optional<ExpertInput>();
  Result<std::vector<SheetKey>> keys = LoadSheetKeys(run_dir);
  if (!keys.ok()) return keys.errors();
  ExpertInput input;
  if (!keys->empty()) {
    const ReviewSpec& rubric = keys->back().rubric;
    input.scale_min = rubric.scale_min;
    input.scale_max = rubric.scale_max;
    input.tolerance_milli = rubric.tolerance_milli;
  }
  std::map<std::tuple<std::string, std::string, std::string, int>, int> latest;
  for (const StoredImport& stored : *imports) {
    const ImportRecord& r = stored.record;
    if (!r.superseded_by.empty()) continue;
    ++input.imports;
    for (const ImportedScore& s : r.scores) {
      latest[{r.reviewer, s.sample_id, s.candidate_id, s.repeat}] = s.score;
    }
  }
  for (const auto& [task, score] : latest) {
    const auto& [reviewer, sample, candidate, repeat] = task;
    input.scores.push_back(ExpertScore{sample, candidate, repeat, reviewer, score});
  }
  if (input.scores.empty()) return std::optional<ExpertInput>();
  return std::optional<ExpertInput>(std::move(input));
}

}  // namespace taskcost
