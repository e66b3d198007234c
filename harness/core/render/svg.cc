#include "harness/core/render/svg.h"

#include <cstdint>
#include <cstdio>

#include "harness/core/render/html.h"

namespace taskcost {
namespace {

// One decimal is finer than any screen needs and keeps the markup short.
std::string Num(double x) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", x);
  return buffer;
}

std::string ClassAttr(std::string_view cls) {
  return cls.empty() ? "" : " class=\"" + EscapeHtml(cls) + "\"";
}

std::string Close(std::string_view element, std::string_view tip) {
  if (tip.empty()) return "/>\n";
  return "><title>" + EscapeHtml(tip) + "</title></" + std::string(element) + ">\n";
}

}  // namespace

Svg::Svg(std::string_view chart, double width, double height, std::string_view label)
    : chart_(chart), label_(label), width_(width), height_(height) {}

void Svg::Rect(double x, double y, double w, double h, std::string_view cls, std::string_view tip) {
  body_ += "<rect x=\"" + Num(x) + "\" y=\"" + Num(y) + "\" width=\"" + Num(w < 0 ? 0 : w) +
           "\" height=\"" + Num(h < 0 ? 0 : h) + "\"" + ClassAttr(cls) + Close("rect", tip);
}

void Svg::Line(double x1, double y1, double x2, double y2, std::string_view cls) {
  body_ += "<line x1=\"" + Num(x1) + "\" y1=\"" + Num(y1) + "\" x2=\"" + Num(x2) + "\" y2=\"" +
           Num(y2) + "\"" + ClassAttr(cls) + "/>\n";
}

void Svg::Circle(double cx, double cy, double r, std::string_view cls, std::string_view tip) {
  body_ += "<circle cx=\"" + Num(cx) + "\" cy=\"" + Num(cy) + "\" r=\"" + Num(r) + "\"" +
           ClassAttr(cls) + Close("circle", tip);
}

void Svg::Text(double x, double y, std::string_view text, std::string_view cls, TextAnchor anchor) {
  const char* a = anchor == TextAnchor::kMiddle ? "middle"
                  : anchor == TextAnchor::kEnd  ? "end"
                                                : "start";
  body_ += "<text x=\"" + Num(x) + "\" y=\"" + Num(y) + "\" text-anchor=\"" + a + "\"" +
           ClassAttr(cls) + ">" + EscapeHtml(text) + "</text>\n";
}

void Svg::Polyline(const std::vector<std::pair<double, double>>& points, std::string_view cls) {
  std::string list;
  for (const auto& [x, y] : points) list += (list.empty() ? "" : " ") + Num(x) + "," + Num(y);
  body_ += "<polyline points=\"" + list + "\"" + ClassAttr(cls) + "/>\n";
}

void Svg::BeginGroup(std::string_view row) {
  body_ += "<g data-row=\"" + EscapeHtml(row) + "\">\n";
}

void Svg::EndGroup() { body_ += "</g>\n"; }

std::string Svg::Finish() const {
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" data-chart=\"" + EscapeHtml(chart_) +
         "\" viewBox=\"0 0 " + Num(width_) + " " + Num(height_) + "\" role=\"img\" aria-label=\"" +
         EscapeHtml(label_) + "\">\n<title>" + EscapeHtml(label_) + "</title>\n" + body_ +
         "</svg>\n";
}

std::vector<int64_t> NiceTicks(int64_t max, int target) {
  if (max <= 0) return {0, 1};
  if (target < 1) target = 1;
  int64_t step = 1;
  // The smallest 1-2-5 step that covers max in at most `target` intervals.
  for (int64_t magnitude = 1;; magnitude *= 10) {
    bool found = false;
    for (int64_t m : {1, 2, 5}) {
      step = m * magnitude;
      if ((max + step - 1) / step <= target) {
        found = true;
        break;
      }
    }
    if (found || magnitude > INT64_MAX / 100) break;
  }
  std::vector<int64_t> ticks;
  const int64_t intervals = (max + step - 1) / step;
  for (int64_t i = 0; i <= intervals; ++i) ticks.push_back(i * step);
  return ticks;
}

}  // namespace taskcost
