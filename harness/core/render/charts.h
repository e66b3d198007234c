// Charts for the HTML pages, drawn with the Svg writer: horizontal bars, stacked bars, a strip
// plot of a distribution, a scatter with a highlighted front, and a line chart over time. All
// values are integers (picodollars, counts, basis points) so axis ticks are exact; every label
// a chart prints is given by the caller, formatted by the report's own rules.
// Pure functions returning the <svg> element; not synchronised.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace taskcost {

/// Prints an axis tick value (picodollars -> "0.002", basis points -> "50%").
using TickLabel = std::function<std::string(int64_t)>;

struct Bar {
  int64_t value = 0;  // >= 0
  std::string text;   // printed after the bar
  std::string cls;    // "bar", "bar baseline", "bar human", "bar neg"
  std::string tip;    // tooltip
};

struct BarRow {
  std::string label;      // left of the bars
  std::vector<Bar> bars;  // one or more, drawn one under the other (grouped bars)
};

/// Horizontal bars from 0, one group per row.
std::string HBarChart(std::string_view chart, std::string_view label,
                      const std::vector<BarRow>& rows, const TickLabel& tick);

struct Segment {
  int64_t value = 0;
  std::string cls;  // colour class, e.g. "c-ok", "c-rate_limit"
  std::string tip;
};

struct StackRow {
  std::string label;
  std::vector<Segment> segments;  // left to right
  std::string text;               // printed after the bar
};

/// Horizontal stacked bars of counts.
std::string StackedBarChart(std::string_view chart, std::string_view label,
                            const std::vector<StackRow>& rows);

struct StripRow {
  std::string label;
  std::vector<int64_t> values;  // one dot each
  std::vector<bool> outlier;    // same size as values: drawn as outliers
  int64_t p50 = 0, p95 = 0;     // marked with ticks
  std::string text;             // printed under the label ("p50 0.0019 · p95 0.0031")
};

/// One row of dots per label on a shared axis from 0, with p50 and p95 marks.
std::string StripChart(std::string_view chart, std::string_view label,
                       const std::vector<StripRow>& rows, const TickLabel& tick);

struct ScatterPoint {
  std::string label;
  int64_t x = 0;
  int64_t y = 0;
  std::string cls;  // "pt", "pt front", "pt baseline"
  std::string tip;
};

/// A scatter with its axes named; the points whose `front` flag is set are joined by a line
/// in x order (the Pareto front). The y axis spans [y_min, y_max].
std::string ScatterChart(std::string_view chart, std::string_view label,
                         const std::vector<ScatterPoint>& points, const std::vector<bool>& front,
                         std::string_view x_name, const TickLabel& x_tick, std::string_view y_name,
                         const TickLabel& y_tick, int64_t y_min, int64_t y_max);

struct LinePoint {
  int64_t x = 0;  // e.g. Unix ms
  int64_t y = 0;
  std::string tip;
  bool hollow = false;  // drawn as an open marker and left out of the line (a run not compared)
};

struct LineSeries {
  std::string name;
  std::vector<LinePoint> points;  // ascending x
};

/// Series over a shared x axis (x ticks at the first and last point and between), y from 0.
/// Each series is named at its last point, or, when a name is longer than 26 characters,
/// every name goes to a legend under the plot; the drawing grows to hold every tick label and
/// name. Series k is drawn in style LineStyleOf(k), distinct for the first kLineStyles series.
std::string LineChart(std::string_view chart, std::string_view label,
                      const std::vector<LineSeries>& series, const TickLabel& x_tick,
                      const TickLabel& y_tick);

/// How series k of a line chart is told apart: a colour class "s0".."s7", a dash class
/// "d0" (solid) .. "d3", and a square marker instead of a round one for odd dash classes.
struct LineStyle {
  std::string color;
  std::string dash;
  bool square = false;
};
inline constexpr size_t kLineStyles = 32;  // 8 colours x 4 dash patterns
LineStyle LineStyleOf(size_t k);

}  // namespace taskcost
