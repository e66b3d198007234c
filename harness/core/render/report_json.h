// report.json: the Report as versioned JSON for machines (CI gates, dashboards). Money appears
// twice: exact integer picodollars (*_picousd) and a convenience double (*_usd). Key order is
// stable. Specified field by field in docs/report-format.md. Pure; not synchronised.
#pragma once

#include <string>

#include "harness/core/metrics/metrics.h"

namespace taskcost {

inline constexpr int kReportFormatVersion = 1;

/// {"format":"taskcost-report","version":1,...}, pretty-printed with two-space indent and a
/// trailing newline. Undefined figures are null.
std::string ReportToJson(const Report& report);

}  // namespace taskcost
