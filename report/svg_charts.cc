// Line charts of metric series (loss, accuracy per epoch) and the axis ticks they share with the
// timeline.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "html_text.h"
#include "report_sections.h"

namespace ctp::report {
namespace {

constexpr double kWidth = 440, kHeight = 270;
constexpr double kLeft = 58, kRight = 14, kTop = 30, kBottom = 52;
constexpr int kPalette = 6;  // series-0 .. series-5 in the stylesheet

/// Maps a value range onto a pixel range.
struct Scale {
  double low, high, from, to;
  double operator()(double v) const {
    return high == low ? (from + to) / 2 : from + (v - low) / (high - low) * (to - from);
  }
};

std::string Axes(const Scale& x, const Scale& y, const std::vector<double>& x_ticks,
                 const std::vector<double>& y_ticks) {
  std::string out = fmt::format(
      "<line class=\"axis\" x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\"/>"
      "<line class=\"axis\" x1=\"{0}\" y1=\"{3}\" x2=\"{0}\" y2=\"{1}\"/>\n",
      FormatCoordinate(kLeft), FormatCoordinate(kHeight - kBottom),
      FormatCoordinate(kWidth - kRight), FormatCoordinate(kTop));
  for (double t : x_ticks)
    out += fmt::format("<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                       FormatCoordinate(x(t)), FormatCoordinate(kHeight - kBottom + 15),
                       FormatNumber(t));
  for (double t : y_ticks)
    out += fmt::format(
        "<line class=\"grid\" x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\"/>"
        "<text class=\"tick\" x=\"{3}\" y=\"{4}\" text-anchor=\"end\">{5}</text>",
        FormatCoordinate(kLeft), FormatCoordinate(y(t)), FormatCoordinate(kWidth - kRight),
        FormatCoordinate(kLeft - 5), FormatCoordinate(y(t) + 4), FormatNumber(t));
  return out + "\n";
}

std::string Line(const MetricSeries& series, int colour, const Scale& x, const Scale& y) {
  std::string points, dots;
  for (const MetricPoint& p : series.points) {
    if (!std::isfinite(p.value)) continue;
    const std::string px = FormatCoordinate(x(p.index)), py = FormatCoordinate(y(p.value));
    points += (points.empty() ? "" : " ") + px + "," + py;
    dots += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"3\"><title>{} @ {}: {}</title></circle>",
                        px, py, EscapeHtml(series.name), p.index, FormatNumber(p.value));
  }
  return fmt::format(
      "<g class=\"series series-{}\" data-metric=\"{}\"><polyline points=\"{}\"/>{}</g>\n", colour,
      EscapeHtml(series.name), points, dots);
}

}  // namespace

std::vector<double> NiceTicks(double low, double high, int count) {
  if (!(high > low) || count < 2) return {low};
  const double raw = (high - low) / (count - 1);
  const int exponent = int(std::floor(std::log10(raw)));
  const double power = std::pow(10.0, std::abs(exponent));
  // A tick is k * factor * 10^exponent; dividing by an exact power of ten (rather than
  // multiplying by 0.1) gives the double nearest the decimal value, so 0.7 prints as 0.7.
  auto value = [&](double units) { return exponent < 0 ? units / power : units * power; };
  double factor = 10;
  for (double f : {1.0, 2.0, 5.0})
    if (value(f) >= raw) {
      factor = f;
      break;
    }
  std::vector<double> ticks;
  for (double k = std::ceil(low / value(factor) - 1e-9);
       value(k * factor) <= high + value(factor) * 1e-9; ++k)
    ticks.push_back(k == 0 ? 0.0 : value(k * factor));
  return ticks;
}

std::string RenderLineChart(const std::string& title,
                            const std::vector<const MetricSeries*>& series) {
  double x_low = std::numeric_limits<double>::infinity(), x_high = -x_low;
  double y_low = x_low, y_high = -x_low;
  for (const MetricSeries* s : series)
    for (const MetricPoint& p : s->points) {
      if (!std::isfinite(p.value)) continue;
      x_low = std::min(x_low, double(p.index));
      x_high = std::max(x_high, double(p.index));
      y_low = std::min(y_low, p.value);
      y_high = std::max(y_high, p.value);
    }
  if (!std::isfinite(x_low)) x_low = x_high = y_low = y_high = 0;
  const double padding =
      y_high > y_low ? (y_high - y_low) * 0.05 : std::max(1e-9, std::abs(y_low) * 0.05 + 0.5);
  y_low -= padding;
  y_high += padding;
  const Scale x{x_low, x_high, kLeft, kWidth - kRight};
  const Scale y{y_low, y_high, kHeight - kBottom, kTop};
  std::vector<double> x_ticks = NiceTicks(x_low, x_high, 6);
  x_ticks.erase(
      std::remove_if(x_ticks.begin(), x_ticks.end(), [](double t) { return t != std::floor(t); }),
      x_ticks.end());

  std::string svg = fmt::format(
      "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {0} {1}\" "
      "width=\"{0}\" height=\"{1}\" role=\"img\" aria-label=\"{2}\">\n"
      "<text class=\"chart-title\" x=\"{3}\" y=\"18\">{2}</text>\n",
      FormatCoordinate(kWidth), FormatCoordinate(kHeight), EscapeHtml(title),
      FormatCoordinate(kLeft));
  svg += Axes(x, y, x_ticks, NiceTicks(y_low, y_high, 6));
  svg += fmt::format(
      "<text class=\"axis-label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">epoch</text>\n",
      FormatCoordinate((kLeft + kWidth - kRight) / 2), FormatCoordinate(kHeight - kBottom + 30));
  double legend_x = kLeft;
  for (std::size_t i = 0; i < series.size(); ++i) {
    svg += Line(*series[i], int(i % kPalette), x, y);
    svg += fmt::format(
        "<g class=\"legend series-{}\"><rect x=\"{}\" y=\"{}\" width=\"12\" height=\"4\"/>"
        "<text class=\"tick\" x=\"{}\" y=\"{}\">{}</text></g>\n",
        i % kPalette, FormatCoordinate(legend_x), FormatCoordinate(kHeight - 10),
        FormatCoordinate(legend_x + 16), FormatCoordinate(kHeight - 5),
        EscapeHtml(series[i]->name));
    legend_x += 24 + 7 * double(series[i]->name.size());
  }
  return svg + "</svg>\n";
}

}  // namespace ctp::report
