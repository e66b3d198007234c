// Report renderers for people: the terminal table and GitHub-flavoured Markdown (a CI job
// summary). Both print the same figures with the rules of report_format.h.
// Pure functions, string out; not synchronised.
#pragma once

#include <string>

#include "harness/core/metrics/metrics.h"
#include "harness/core/render/report_tables.h"

namespace taskcost {

/// How many outliers each candidate lists in the terminal and Markdown (all are in JSON).
inline constexpr size_t kOutliersShown = 5;

/// The side-by-side table, the detail table, failures, outliers, the human alternative and
/// the verdict lines. ANSI colour (bold headings, green switch, yellow inconclusive, red
/// warnings) only when `color` is true; the caller decides from isatty and NO_COLOR.
std::string RenderTerminal(const Report& report, bool color);

/// One table as aligned plain-text columns (bold header with `color`), each line ending in "\n".
std::string RenderTerminalTable(const ReportTable& table, bool color);

/// The same content as GFM: a heading, pipe tables with alignment rows, the verdict as a list.
std::string RenderMarkdown(const Report& report);

}  // namespace taskcost
