// Report formatting: how every number in a rendered report is printed (one rule per kind of
// figure, so each printed digit can be recomputed from the journal) and the verdict sentences
// shared by the terminal, Markdown and JSON renderers. Rules: docs/report-format.md.
// Pure functions; not synchronised.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "harness/core/metrics/metrics.h"
#include "harness/core/model/money.h"
#include "harness/core/metrics/stats.h"

namespace taskcost {

/// USD without a "$": rounded half away from zero to d decimals, d = 4 - e clamped to [2, 12]
/// where 10^e <= |amount| < 10^(e+1) (five significant digits, at least cents, at most
/// picodollars); then trailing zeros beyond the second decimal are dropped.
/// 1.666666666667 -> "1.6667", 0.00199 -> "0.00199", 2.5 -> "2.50", 0 -> "0.00".
std::string FormatUsd(Money amount);
/// "$" + FormatUsd, or "n/a" when unset.
std::string FormatUsdOrNa(const std::optional<Money>& amount);

/// value / 10^decimals as a decimal with exactly `decimals` places: (-5, 1) -> "-0.5".
/// With `plus`, positive values get a "+" sign: (40, 1, true) -> "+4.0".
std::string FormatScaled(int64_t value, int decimals, bool plus = false);

/// A fraction as a percentage with one decimal: 93/100 -> "93.0"; "n/a" when undefined.
std::string FormatPercent(const Fraction& f, bool plus = false);
/// A fraction with `decimals` decimals: attempts per task 111/100 with 2 -> "1.11".
std::string FormatRatio(const Fraction& f, int decimals);
/// Microseconds as milliseconds with one decimal: 842'345 -> "842.3".
std::string FormatMillis(int64_t micros);
/// A double in tenths, rounded half away from zero (RoundTenths): -4.04 -> "-4.0".
std::string FormatTenths(double x, bool plus = false);
/// An interval bound in tenths like FormatTenths, except that a non-zero bound that would print
/// as 0.0 keeps its sign and first significant digit: -0.033 -> "-0.03", 0.004 -> "0.004".
std::string FormatBound(double x);
/// An ROI multiple: two decimals below 10x, one decimal from 10x: "0.83x", "208.3x";
/// each rounded once from the exact fraction. "n/a" when unset.
std::string FormatRoi(const std::optional<Fraction>& roi);
/// Micro-minutes as exact minutes, trailing zeros dropped: 200'000 -> "0.2".
std::string FormatMinutes(int64_t micro_minutes);
/// Sample id, with "#<repeat>" when the run has several repeats.
std::string TaskName(const Report& report, const std::string& sample_id, int repeat);

/// The verdict for one candidate, one line without a trailing newline:
/// "gpt-4.1-mini: switch — cost per successful ticket classified -78.9% ($0.00042 vs
/// $0.00199), success 93.0% vs 97.0% (-4.0 pp, 95% CI -8.1..0.1 pp, 100 paired samples)".
std::string VerdictLine(const Report& report, const Comparison& comparison);
/// How many `what`s (in all, and more than the `pairs` seen) would settle an inconclusive
/// comparison if its pattern holds (Comparison::pairs_to_settle), and which way (the estimate
/// above minus the tolerance: `towards_switch`), as a clause starting "; ".
std::string SettleClause(const Comparison& comparison, int64_t pairs, const std::string& what,
                         bool towards_switch);
/// "switch to gpt-4.1-mini: ..." or "keep gpt-4o: ...", without the "verdict: " prefix.
std::string OverallLine(const Report& report);

}  // namespace taskcost
