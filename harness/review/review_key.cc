#include "harness/review/review_key.h"

#include <nlohmann/json.hpp>

namespace taskcost {
namespace {

using Json = nlohmann::ordered_json;

constexpr int kVersion = 1;
constexpr const char* kKeyFormat = "taskcost-review-key";
constexpr const char* kImportFormat = "taskcost-review-import";

Json RubricJson(const ReviewSpec& r) {
  Json labels = Json::object();
  for (const auto& [score, text] : r.labels) labels[std::to_string(score)] = text;
  return {{"scale_min", r.scale_min},
          {"scale_max", r.scale_max},
          {"tolerance_milli", r.tolerance_milli},
          {"labels", labels},
          {"instructions", r.instructions}};
}

ReviewSpec RubricFrom(const Json& j) {
  ReviewSpec r;
  r.scale_min = j.at("scale_min").get<int>();
  r.scale_max = j.at("scale_max").get<int>();
  r.tolerance_milli = j.at("tolerance_milli").get<int64_t>();
  for (const auto& [score, text] : j.at("labels").items()) {
    r.labels[std::stoi(score)] = text.get<std::string>();
  }
  r.instructions = j.at("instructions").get<std::string>();
  return r;
}

// Parses `text` and checks its format and version; JSON faults become errors naming `file`.
template <class T, class Read>
Result<T> ReadVersioned(std::string_view text, const std::string& file, const char* format,
                        Read read) {
  try {
    const Json j = Json::parse(text);
    if (!j.is_object() || j.value("format", "") != format) {
      return MakeError(file + ": not a " + std::string(format) + " file");
    }
    const int version = j.at("version").get<int>();
    if (version > kVersion) {
      return MakeError(file + ": /version: " + format + " version " + std::to_string(version) +
                       " is newer than this build of taskcost reads (version 1); upgrade "
                       "taskcost");
    }
    return read(j);
  } catch (const Json::exception& e) {
    return MakeError(file + ": cannot be read: " + e.what());
  }
}

}  // namespace

const SheetRow* SheetKey::Find(const std::string& row_id) const {
  for (const SheetRow& row : rows) {
    if (row.row_id == row_id) return &row;
  }
  return nullptr;
}

std::string SheetKeyToJson(const SheetKey& key) {
  Json j;
  j["format"] = kKeyFormat;
  j["version"] = kVersion;
  j["sheet_id"] = key.sheet_id;
  j["run_id"] = key.run_id;
  j["reviewer"] = key.reviewer;
  j["sheet_format"] = key.format;
  j["file"] = key.file;
  j["created_unix_ms"] = key.created_unix_ms;
  j["seed"] = key.seed;
  j["failed_included"] = key.failed_included;
  j["failed_left_out"] = key.failed_left_out;
  j["no_output_left_out"] = key.no_output_left_out;
  j["rubric"] = RubricJson(key.rubric);
  j["rows"] = Json::array();
  for (const SheetRow& r : key.rows) {
    j["rows"].push_back({{"row_id", r.row_id},
                         {"sample_label", r.sample_label},
                         {"output_label", r.output_label},
                         {"sample", r.sample_id},
                         {"candidate", r.candidate_id},
                         {"repeat", r.repeat},
                         {"failed", r.failed}});
  }
  return j.dump(2) + "\n";
}

Result<SheetKey> SheetKeyFromJson(std::string_view text, const std::string& file) {
  return ReadVersioned<SheetKey>(text, file, kKeyFormat, [](const Json& j) {
    SheetKey key;
    key.sheet_id = j.at("sheet_id").get<std::string>();
    key.run_id = j.at("run_id").get<std::string>();
    key.reviewer = j.at("reviewer").get<std::string>();
    key.format = j.at("sheet_format").get<std::string>();
    key.file = j.at("file").get<std::string>();
    key.created_unix_ms = j.at("created_unix_ms").get<int64_t>();
    key.seed = j.at("seed").get<uint64_t>();
    key.failed_included = j.at("failed_included").get<bool>();
    key.failed_left_out = j.at("failed_left_out").get<int64_t>();
    key.no_output_left_out = j.at("no_output_left_out").get<int64_t>();
    key.rubric = RubricFrom(j.at("rubric"));
    for (const Json& r : j.at("rows")) {
      key.rows.push_back(
          SheetRow{r.at("row_id").get<std::string>(), r.at("sample_label").get<std::string>(),
                   r.at("output_label").get<std::string>(), r.at("sample").get<std::string>(),
                   r.at("candidate").get<std::string>(), r.at("repeat").get<int>(),
                   r.at("failed").get<bool>()});
    }
    return key;
  });
}

std::string ImportRecordToJson(const ImportRecord& record) {
  Json j;
  j["format"] = kImportFormat;
  j["version"] = kVersion;
  j["run_id"] = record.run_id;
  j["sheet_id"] = record.sheet_id;
  j["reviewer"] = record.reviewer;
  j["file"] = record.file;
  j["sha256"] = record.sha256;
  j["imported_unix_ms"] = record.imported_unix_ms;
  j["rows"] = record.rows;
  j["scored"] = static_cast<int64_t>(record.scores.size());
  j["blank"] = record.blank;
  j["rejected"] = record.rejected;
  j["supersedes"] = record.supersedes;
  j["superseded_by"] = record.superseded_by;
  j["scores"] = Json::array();
  for (const ImportedScore& s : record.scores) {
    j["scores"].push_back({{"row_id", s.row_id},
                           {"sample", s.sample_id},
                           {"candidate", s.candidate_id},
                           {"repeat", s.repeat},
                           {"score", s.score},
                           {"comment", s.comment}});
  }
  return j.dump(2) + "\n";
}

Result<ImportRecord> ImportRecordFromJson(std::string_view text, const std::string& file) {
  return ReadVersioned<ImportRecord>(text, file, kImportFormat, [](const Json& j) {
    ImportRecord r;
    r.run_id = j.at("run_id").get<std::string>();
    r.sheet_id = j.at("sheet_id").get<std::string>();
    r.reviewer = j.at("reviewer").get<std::string>();
    r.file = j.at("file").get<std::string>();
    r.sha256 = j.at("sha256").get<std::string>();
    r.imported_unix_ms = j.at("imported_unix_ms").get<int64_t>();
    r.rows = j.at("rows").get<int64_t>();
    r.blank = j.at("blank").get<int64_t>();
    r.rejected = j.at("rejected").get<int64_t>();
    r.supersedes = j.at("supersedes").get<std::string>();
    r.superseded_by = j.at("superseded_by").get<std::string>();
    for (const Json& s : j.at("scores")) {
      r.scores.push_back(
          ImportedScore{s.at("row_id").get<std::string>(), s.at("sample").get<std::string>(),
                        s.at("candidate").get<std::string>(), s.at("repeat").get<int>(),
                        s.at("score").get<int>(), s.at("comment").get<std::string>()});
    }
    return r;
  });
}

}  // namespace taskcost
