// Line charts (history): many series stay apart by colour and dash, and no label is cut: the
// drawing grows to hold the widest tick label and series name.
#include "harness/core/render/charts.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace taskcost::charts_test {
namespace {

// The viewBox width of an <svg>.
double ViewBoxWidth(const std::string& svg) {
  std::smatch m;
  REQUIRE(std::regex_search(svg, m, std::regex("viewBox=\"0 0 ([0-9.]+) ([0-9.]+)\"")));
  return std::stod(m[1]);
}

std::vector<LineSeries> Series(size_t count, const std::string& prefix) {
  std::vector<LineSeries> series;
  for (size_t k = 0; k < count; ++k) {
    series.push_back(
        {prefix + std::to_string(k), {{0, 10, ""}, {1000, static_cast<int64_t>(k), ""}}});
  }
  return series;
}

}  // namespace

TEST_CASE("charts: the first 32 line series each have their own colour and dash") {
  std::set<std::pair<std::string, std::string>> styles;
  for (size_t k = 0; k < kLineStyles; ++k) {
    const LineStyle style = LineStyleOf(k);
    styles.insert({style.color, style.dash});
  }
  CHECK(styles.size() == kLineStyles);
  CHECK(LineStyleOf(0).color == "s0");
  CHECK(LineStyleOf(0).dash == "d0");
  CHECK(LineStyleOf(7).color == "s7");
  CHECK(LineStyleOf(8).color == "s0");  // the 9th series: colour again, dashed, square marks
  CHECK(LineStyleOf(8).dash == "d1");
  CHECK(LineStyleOf(8).square);
  CHECK_FALSE(LineStyleOf(16).square);

  // Ten series (more than the 6 colours the charts had): the 7th to 10th draw in colours
  // s6, s7, then s0 and s1 dashed.
  const std::string svg = LineChart(
      "c", "ten", Series(10, "model-"), [](int64_t x) { return std::to_string(x); },
      [](int64_t y) { return std::to_string(y); });
  CHECK(svg.find("class=\"series s6 d0\"") != std::string::npos);
  CHECK(svg.find("class=\"series s0 d1\"") != std::string::npos);
  CHECK(svg.find("class=\"series s1 d1\"") != std::string::npos);
}

TEST_CASE("charts: a line chart grows to hold its series names and tick labels") {
  // A name of 20 characters needs 8 + (7 x 20 + 8) = 156 units after the plot (a gap, then
  // 7 units a character and 8 to spare); a y tick label of 12 characters needs
  // 7 x 12 + 8 + 6 = 98 before it. The plot is 440 wide: 98 + 440 + 156.
  const auto x_tick = [](int64_t x) { return std::to_string(x); };
  const auto wide_y = [](int64_t) { return std::string(12, '9'); };
  const std::string svg =
      LineChart("c", "long", {{std::string(20, 'n'), {{0, 5, ""}, {10, 7, ""}}}}, x_tick, wide_y);
  CHECK(ViewBoxWidth(svg) == doctest::Approx(98 + 440 + 156));
  // The name starts 8 units right of the last point, which sits at the plot's right edge.
  CHECK(svg.find("<text x=\"546.0\"") != std::string::npos);

  // Short labels keep the minimum margins of 40 on each side.
  const std::string small = LineChart(
      "c", "short", {{"a", {{0, 1, ""}}}}, x_tick, [](int64_t y) { return std::to_string(y); });
  CHECK(ViewBoxWidth(small) == doctest::Approx(40 + 440 + 40));
}

TEST_CASE("charts: names longer than 26 characters go to a legend under the plot") {
  // 27 characters would need 8 + 7 x 27 + 8 = 205 > 200 units at the line's end, shrinking
  // the chart: the names go under the plot instead. The drawing keeps the plot's width
  // (98 + 440 + 40 = 578); the legend row sits at 10 + 240 + 30 + 8 = 288 (text 4 lower), its
  // name 26 units right of the plot's left edge: 98 + 26 = 124; height 288 + 8 + 4 = 300.
  const std::string svg = LineChart(
      "c", "legend", {{std::string(27, 'n'), {{0, 5, ""}, {10, 7, ""}}}},
      [](int64_t x) { return std::to_string(x); }, [](int64_t) { return std::string(12, '9'); });
  CHECK(ViewBoxWidth(svg) == doctest::Approx(578));
  CHECK(svg.find("<text x=\"124.0\" y=\"292.0\" text-anchor=\"start\" class=\"s0\">" +
                 std::string(27, 'n')) !=
        std::string::npos);
  std::smatch m;
  REQUIRE(std::regex_search(svg, m, std::regex("viewBox=\"0 0 ([0-9.]+) ([0-9.]+)\"")));
  CHECK(std::stod(m[2]) == doctest::Approx(300));
  // 26 characters (8 + 182 + 8 = 198) still sit at the end.
  const std::string at_end = LineChart(
      "c", "end", {{std::string(26, 'n'), {{0, 5, ""}, {10, 7, ""}}}},
      [](int64_t x) { return std::to_string(x); }, [](int64_t) { return std::string(12, '9'); });
  CHECK(ViewBoxWidth(at_end) == doctest::Approx(98 + 440 + 198));
}

TEST_CASE("charts: many series ending together push their names down, never past the bottom") {
  // 30 series all ending at y = 0: their names step down 13 units from the axis line at
  // 10 + 240 = 250, the last at 250 + 29 x 13 = 627; the drawing is 627 + 8 = 635 high.
  std::vector<LineSeries> series;
  for (int k = 0; k < 30; ++k)
    series.push_back({"s" + std::to_string(k), {{0, 0, ""}, {1, 0, ""}}});
  const std::string svg = LineChart(
      "c", "crowded", series, [](int64_t x) { return std::to_string(x); },
      [](int64_t y) { return std::to_string(y); });
  std::smatch m;
  REQUIRE(std::regex_search(svg, m, std::regex("viewBox=\"0 0 ([0-9.]+) ([0-9.]+)\"")));
  CHECK(std::stod(m[2]) == doctest::Approx(635));
}

TEST_CASE("charts: a hollow point is drawn open and left out of its line") {
  const std::vector<LineSeries> series = {
      {"m", {{0, 1, "a"}, {1, 2, "b (partial)", true}, {2, 3, "c"}}}};
  const std::string svg = LineChart(
      "c", "hollow", series, [](int64_t x) { return std::to_string(x); },
      [](int64_t y) { return std::to_string(y); });
  CHECK(svg.find("class=\"s0 hollow\"") != std::string::npos);
  // The polyline joins the two other points only.
  std::smatch m;
  REQUIRE(std::regex_search(svg, m, std::regex("<polyline points=\"([^\"]*)\"")));
  CHECK(std::count(m[1].first, m[1].second, ',') == 2);
}

}  // namespace taskcost::charts_test
