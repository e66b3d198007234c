// SVG: a small writer for the inline charts of the HTML pages. Shapes and text in user units
// inside a viewBox, so a chart scales to its container (phones) and prints sharp. Every text and
// attribute value is escaped. Pure; not synchronised.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace taskcost {

enum class TextAnchor { kStart, kMiddle, kEnd };

class Svg {
 public:
  /// A `width` x `height` drawing. `chart` names it (data-chart, for tests and CSS); `label`
  /// is its accessible name and tooltip title.
  Svg(std::string_view chart, double width, double height, std::string_view label);

  /// Shapes take CSS classes from the page's stylesheet; `tip` (optional) becomes a <title>.
  void Rect(double x, double y, double w, double h, std::string_view cls,
            std::string_view tip = "");
  void Line(double x1, double y1, double x2, double y2, std::string_view cls);
  void Circle(double cx, double cy, double r, std::string_view cls, std::string_view tip = "");
  void Text(double x, double y, std::string_view text, std::string_view cls = "",
            TextAnchor anchor = TextAnchor::kStart);
  void Polyline(const std::vector<std::pair<double, double>>& points, std::string_view cls);
  /// Opens <g data-row="row"> (escaped); everything until EndGroup belongs to it.
  void BeginGroup(std::string_view row);
  void EndGroup();

  /// The <svg> element.
  std::string Finish() const;

 private:
  std::string chart_, label_;
  double width_, height_;
  std::string body_;
};

/// Axis ticks from 0 to at least `max` (> 0) in a 1-2-5 step giving at most about `target`
/// intervals: NiceTicks(7, 5) -> 0 2 4 6 8. Integers, so money ticks are exact picodollars.
std::vector<int64_t> NiceTicks(int64_t max, int target = 5);

}  // namespace taskcost
