// report.csv: one row per task for spreadsheets and BI tools: sample, candidate, repeat,
// attempts, tokens, cost, success, final failure class, latency, quality. RFC 4180 (CRLF, quotes
// doubled) and safe to open in a spreadsheet: a cell starting with = + - @ tab or CR is
// prefixed with ' so it is never read as a formula. Columns: docs/report-format.md.
// Pure; not synchronised.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "harness/core/metrics/expert_quality.h"
#include "harness/core/metrics/metrics.h"

namespace taskcost {

/// One CSV field: neutralised against formula injection, then quoted when it holds a comma,
/// a quote, CR or LF. "=1+1" -> "'=1+1"; "a,b" -> "\"a,b\"".
std::string CsvField(std::string_view text);

/// One record: fields joined by commas, ended by CRLF.
std::string CsvRecordLine(const std::vector<std::string>& fields);

/// Sets each task's quality to the mean of its expert scores (over reviewers).
void AddExpertScores(Report& report, const ExpertInput& input);

/// The header and one row per task of `report.tasks` (compute with keep_tasks).
std::string ReportToCsv(const Report& report);

}  // namespace taskcost
