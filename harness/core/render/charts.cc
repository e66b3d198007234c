#include "harness/core/render/charts.h"

#include <algorithm>
#include <cstdint>

#include "harness/core/render/svg.h"

namespace taskcost {
namespace {

constexpr double kWidth = 640;
constexpr double kLeft = 150;  // room for row labels
constexpr double kTop = 10;
constexpr double kAxis = 26;  // room for tick labels under the plot

double Scale(int64_t value, int64_t max, double span) {
  return max <= 0 ? 0 : span * static_cast<double>(value) / static_cast<double>(max);
}

// Vertical grid lines and tick labels under a plot from x0 spanning `span`.
void XAxis(Svg& svg, const std::vector<int64_t>& ticks, double x0, double span, double top,
           double bottom, const TickLabel& tick) {
  for (int64_t t : ticks) {
    const double x = x0 + Scale(t, ticks.back(), span);
    svg.Line(x, top, x, bottom, t == 0 ? "axis" : "grid");
    svg.Text(x, bottom + 16, tick(t), "muted", TextAnchor::kMiddle);
  }
}

int64_t MaxOf(int64_t a, int64_t b) { return a > b ? a : b; }

// Room a label needs at 12px in the page's fonts (an upper estimate: labels must not be cut).
double TextWidth(const std::string& text) {
  size_t chars = 0;
  for (char ch : text) chars += (static_cast<unsigned char>(ch) & 0xC0) != 0x80 ? 1 : 0;
  return 7.0 * static_cast<double>(chars) + 8;
}

// The plot width left between the row labels and the widest value label after a bar.
double BarSpan(double widest_label) {
  return std::max(kWidth - kLeft - widest_label, (kWidth - kLeft) / 3);
}

}  // namespace

std::string HBarChart(std::string_view chart, std::string_view label,
                      const std::vector<BarRow>& rows, const TickLabel& tick) {
  constexpr double kBar = 18, kGap = 12;
  int64_t max = 0;
  double height = kTop, widest = 0;
  for (const BarRow& row : rows) {
    for (const Bar& bar : row.bars) {
      max = MaxOf(max, bar.value);
      widest = std::max(widest, TextWidth(bar.text));
    }
    height += static_cast<double>(row.bars.size()) * kBar + kGap;
  }
  const std::vector<int64_t> ticks = NiceTicks(max, 4);
  const double span = BarSpan(widest);
  Svg svg(chart, kWidth, height + kAxis, label);
  XAxis(svg, ticks, kLeft, span, kTop, height, tick);
  double y = kTop + kGap / 2;
  for (const BarRow& row : rows) {
    svg.BeginGroup(row.label);
    const double group = static_cast<double>(row.bars.size()) * kBar;
    svg.Text(kLeft - 8, y + group / 2 + 4, row.label, "", TextAnchor::kEnd);
    for (const Bar& bar : row.bars) {
      const double w = Scale(bar.value, ticks.back(), span);
      svg.Rect(kLeft, y + 2, w, kBar - 4, bar.cls, bar.tip);
      svg.Text(kLeft + w + 6, y + kBar / 2 + 4, bar.text, "value");
      y += kBar;
    }
    svg.EndGroup();
    y += kGap;
  }
  return svg.Finish();
}

std::string StackedBarChart(std::string_view chart, std::string_view label,
                            const std::vector<StackRow>& rows) {
  constexpr double kRow = 30;
  int64_t max = 0;
  double widest = 0;
  for (const StackRow& row : rows) {
    int64_t total = 0;
    for (const Segment& s : row.segments) total += s.value;
    max = MaxOf(max, total);
    widest = std::max(widest, TextWidth(row.text));
  }
  const std::vector<int64_t> ticks = NiceTicks(max, 4);
  const double span = BarSpan(widest);
  const double bottom = kTop + kRow * static_cast<double>(rows.size());
  Svg svg(chart, kWidth, bottom + kAxis, label);
  XAxis(svg, ticks, kLeft, span, kTop, bottom, [](int64_t t) { return std::to_string(t); });
  double y = kTop;
  for (const StackRow& row : rows) {
    svg.BeginGroup(row.label);
    svg.Text(kLeft - 8, y + kRow / 2 + 4, row.label, "", TextAnchor::kEnd);
    double x = kLeft;
    for (const Segment& s : row.segments) {
      const double w = Scale(s.value, ticks.back(), span);
      svg.Rect(x, y + 6, w, kRow - 12, s.cls, s.tip);
      x += w;
    }
    svg.Text(x + 6, y + kRow / 2 + 4, row.text, "value");
    svg.EndGroup();
    y += kRow;
  }
  return svg.Finish();
}

std::string StripChart(std::string_view chart, std::string_view label,
                       const std::vector<StripRow>& rows, const TickLabel& tick) {
  constexpr double kRow = 52;
  int64_t max = 0;
  for (const StripRow& row : rows) {
    for (int64_t v : row.values) max = MaxOf(max, v);
  }
  const std::vector<int64_t> ticks = NiceTicks(max, 5);
  const double span = kWidth - kLeft - 20;
  const double bottom = kTop + kRow * static_cast<double>(rows.size());
  Svg svg(chart, kWidth, bottom + kAxis, label);
  XAxis(svg, ticks, kLeft, span, kTop, bottom, tick);
  double y = kTop;
  for (const StripRow& row : rows) {
    svg.BeginGroup(row.label);
    const double mid = y + 32;
    svg.Text(kLeft - 8, mid + 4, row.label, "", TextAnchor::kEnd);
    svg.Text(kLeft + 4, y + 12, row.text, "muted");
    for (size_t i = 0; i < row.values.size(); ++i) {
      // A fixed spread by index so that equal costs do not hide each other; no randomness.
      const double jitter = static_cast<double>(static_cast<int>(i * 7 % 11) - 5) * 1.6;
      const bool outlier = i < row.outlier.size() && row.outlier[i];
      svg.Circle(kLeft + Scale(row.values[i], ticks.back(), span), mid + jitter, outlier ? 4 : 3,
                 outlier ? "dot outlier" : "dot");
    }
    const double p50 = kLeft + Scale(row.p50, ticks.back(), span);
    const double p95 = kLeft + Scale(row.p95, ticks.back(), span);
    svg.Line(p50, mid - 12, p50, mid + 12, "p50");
    svg.Line(p95, mid - 12, p95, mid + 12, "p95");
    svg.EndGroup();
    y += kRow;
  }
  return svg.Finish();
}

std::string ScatterChart(std::string_view chart, std::string_view label,
                         const std::vector<ScatterPoint>& points, const std::vector<bool>& front,
                         std::string_view x_name, const TickLabel& x_tick, std::string_view y_name,
                         const TickLabel& y_tick, int64_t y_min, int64_t y_max) {
  constexpr double kLeftAxis = 60, kHeight = 310, kBottom = 46, kRightPad = 120, kPlotTop = 30;
  int64_t max = 0;
  for (const ScatterPoint& p : points) max = MaxOf(max, p.x);
  const std::vector<int64_t> ticks = NiceTicks(max, 5);
  const double span = kWidth - kLeftAxis - kRightPad;
  const double plot = kHeight - kPlotTop - kBottom;
  const int64_t y_span = y_max > y_min ? y_max - y_min : 1;
  auto ypos = [&](int64_t y) {
    return kPlotTop + plot - plot * static_cast<double>(y - y_min) / static_cast<double>(y_span);
  };
  Svg svg(chart, kWidth, kHeight, label);
  XAxis(svg, ticks, kLeftAxis, span, kPlotTop, kPlotTop + plot, x_tick);
  for (int i = 0; i <= 4; ++i) {
    const int64_t y = y_min + y_span * i / 4;
    svg.Line(kLeftAxis, ypos(y), kLeftAxis + span, ypos(y), i == 0 ? "axis" : "grid");
    svg.Text(kLeftAxis - 6, ypos(y) + 4, y_tick(y), "muted", TextAnchor::kEnd);
  }
  svg.Text(kLeftAxis + span / 2, kHeight - 6, x_name, "muted", TextAnchor::kMiddle);
  svg.Text(4, 14, y_name, "muted");
  std::vector<std::pair<int64_t, size_t>> on_front;
  for (size_t i = 0; i < points.size(); ++i) {
    if (i < front.size() && front[i]) on_front.push_back({points[i].x, i});
  }
  std::sort(on_front.begin(), on_front.end());
  std::vector<std::pair<double, double>> line;
  for (const auto& [x, i] : on_front) {
    line.push_back({kLeftAxis + Scale(x, ticks.back(), span), ypos(points[i].y)});
  }
  if (line.size() > 1) svg.Polyline(line, "front");
  for (const ScatterPoint& p : points) {
    svg.BeginGroup(p.label);
    const double x = kLeftAxis + Scale(p.x, ticks.back(), span);
    svg.Circle(x, ypos(p.y), 6, p.cls, p.tip);
    svg.Text(x + 9, ypos(p.y) - 7, p.label, "value");
    svg.EndGroup();
  }
  return svg.Finish();
}

LineStyle LineStyleOf(size_t k) {
  const size_t dash = (k / 8) % 4;
  return {"s" + std::to_string(k % 8), "d" + std::to_string(dash), dash % 2 == 1};
}

namespace {

constexpr double kLineSpan = 440, kLinePlot = 240, kLineSide = 40;
// Names up to this wide sit at their line's end; a longer one would shrink the whole chart
// (it scales to its box), so then every name goes to a legend under the plot instead.
constexpr double kMaxEndNames = 200;
constexpr double kLegendRow = 16;

// Series names right of their last point (y positions of those points in `ends`), pushed
// apart so that none overlap: the y of each name.
std::vector<double> NameRows(std::vector<std::pair<double, size_t>> ends, size_t count) {
  std::sort(ends.begin(), ends.end());
  std::vector<double> name_y(count, 0);
  double last = -1e9;
  for (const auto& [y, k] : ends) {
    last = std::max(y, last + 13);
    name_y[k] = last;
  }
  return name_y;
}

// Where the series' names go: at their lines' ends, or in a legend under the plot, and the
// room that takes right of the plot and at the bottom.
struct NamePlaces {
  bool legend = false;
  std::vector<double> end_y;                         // at the ends: each name's y
  std::vector<std::pair<double, double>> legend_at;  // in the legend: each entry's (x, y)
  double right = kLineSide;
  double width = 0;   // the whole drawing
  double height = 0;  // the whole drawing
};

NamePlaces PlaceNames(const std::vector<LineSeries>& series,
                      const std::vector<std::pair<double, size_t>>& ends, double left) {
  NamePlaces places;
  double widest = 0;
  for (const LineSeries& s : series) widest = std::max(widest, TextWidth(s.name) + 8);
  places.legend = widest > kMaxEndNames;
  places.height = kTop + kLinePlot + 30;  // the plot and the x tick labels under it
  if (!places.legend) {
    places.right = std::max(kLineSide, widest);
    places.end_y = NameRows(ends, series.size());
    for (const auto& [y, k] : ends) places.height = std::max(places.height, places.end_y[k] + 8);
    places.width = left + kLineSpan + places.right;
    return places;
  }
  places.width = std::max(left + kLineSpan + kLineSide, left + widest + 22);
  double x = left, y = places.height + kLegendRow / 2;
  for (const LineSeries& s : series) {
    const double w = 30 + TextWidth(s.name);
    if (x > left && x + w > places.width) {
      x = left;
      y += kLegendRow;
    }
    places.legend_at.push_back({x, y});
    x += w;
  }
  places.height = y + kLegendRow / 2 + 4;
  return places;
}

void Marker(Svg& svg, double x, double y, const LineStyle& style, const LinePoint& p) {
  const std::string cls = style.color + (p.hollow ? " hollow" : "");
  if (style.square) {
    svg.Rect(x - 3.5, y - 3.5, 7, 7, cls, p.tip);
  } else {
    svg.Circle(x, y, 4, cls, p.tip);
  }
}

// The y grid with its labels, and the first, middle and last x labels (they may be long).
template <class XPos, class YPos>
void LineAxes(Svg& svg, const std::vector<int64_t>& y_ticks, int64_t x_min, int64_t x_max,
              double left, XPos xpos, YPos ypos, const TickLabel& x_tick, const TickLabel& y_tick) {
  for (int64_t t : y_ticks) {
    svg.Line(left, ypos(t), left + kLineSpan, ypos(t), t == 0 ? "axis" : "grid");
    svg.Text(left - 6, ypos(t) + 4, y_tick(t), "muted", TextAnchor::kEnd);
  }
  const int64_t x_steps = x_max == x_min ? 0 : 2;
  for (int64_t i = 0; i <= x_steps; ++i) {
    const int64_t x = x_min + (x_max - x_min) * i / (x_steps == 0 ? 1 : x_steps);
    svg.Text(xpos(x), kTop + kLinePlot + 20, x_tick(x), "muted",
             x_steps == 0   ? TextAnchor::kMiddle
             : i == 0       ? TextAnchor::kStart
             : i == x_steps ? TextAnchor::kEnd
                            : TextAnchor::kMiddle);
  }
}

}  // namespace

std::string LineChart(std::string_view chart, std::string_view label,
                      const std::vector<LineSeries>& series, const TickLabel& x_tick,
                      const TickLabel& y_tick) {
  int64_t x_min = INT64_MAX, x_max = INT64_MIN, y_max = 0;
  for (const LineSeries& s : series) {
    for (const LinePoint& p : s.points) {
      x_min = std::min(x_min, p.x);
      x_max = std::max(x_max, p.x);
      y_max = MaxOf(y_max, p.y);
    }
  }
  if (x_min > x_max) x_min = x_max = 0;
  const std::vector<int64_t> y_ticks = NiceTicks(y_max, 4);
  double left = kLineSide;
  for (int64_t t : y_ticks) left = std::max(left, TextWidth(y_tick(t)) + 6);
  auto xpos = [&](int64_t x) {
    if (x_max == x_min) return left + kLineSpan / 2;
    return left + kLineSpan * static_cast<double>(x - x_min) / static_cast<double>(x_max - x_min);
  };
  auto ypos = [&](int64_t y) { return kTop + kLinePlot - Scale(y, y_ticks.back(), kLinePlot); };
  std::vector<std::pair<double, size_t>> ends;
  for (size_t k = 0; k < series.size(); ++k) {
    if (!series[k].points.empty()) ends.push_back({ypos(series[k].points.back().y), k});
  }
  const NamePlaces names = PlaceNames(series, ends, left);
  Svg svg(chart, names.width, names.height, label);
  LineAxes(svg, y_ticks, x_min, x_max, left, xpos, ypos, x_tick, y_tick);
  for (size_t k = 0; k < series.size(); ++k) {
    const LineSeries& s = series[k];
    const LineStyle style = LineStyleOf(k);
    const std::string line_class = "series " + style.color + " " + style.dash;
    svg.BeginGroup(s.name);
    std::vector<std::pair<double, double>> line;
    for (const LinePoint& p : s.points) {
      if (!p.hollow) line.push_back({xpos(p.x), ypos(p.y)});
    }
    if (line.size() > 1) svg.Polyline(line, line_class);
    for (const LinePoint& p : s.points) Marker(svg, xpos(p.x), ypos(p.y), style, p);
    if (names.legend) {  // a sample of the line and its marker, then the name
      const auto [x, y] = names.legend_at[k];
      svg.Polyline({{x, y}, {x + 20, y}}, line_class);
      Marker(svg, x + 10, y, style, LinePoint{});
      svg.Text(x + 26, y + 4, s.name, style.color);
    } else if (!s.points.empty()) {
      svg.Text(xpos(s.points.back().x) + 8, names.end_y[k] + 4, s.name, style.color);
    }
    svg.EndGroup();
  }
  return svg.Finish();
}

}  // namespace taskcost
