// The step timeline: one row per step in declaration order, a bar from its start to its end,
// coloured by status, on a shared axis of seconds since the run started.
#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "html_text.h"
#include "report_sections.h"

namespace ctp::report {
namespace {

constexpr double kLabelWidth = 190, kBarsWidth = 860, kRowHeight = 26, kTop = 12, kAxis = 34;

/// The first start and the last end among the run and its steps.
std::pair<double, double> TimeSpan(const RunReport& report) {
  double first = std::numeric_limits<double>::infinity(), last = -first;
  auto widen = [&](const std::optional<Timestamp>& t) {
    if (!t) return;
    first = std::min(first, *t);
    last = std::max(last, *t);
  };
  widen(report.start);
  widen(report.end);
  for (const StepRecord& step : report.steps) {
    widen(step.Start());
    widen(step.End());
  }
  return {first, last};
}

}  // namespace

std::string RenderTimelineSvg(const RunReport& report) {
  const auto [first, last] = TimeSpan(report);
  const bool any = std::any_of(report.steps.begin(), report.steps.end(),
                               [](const StepRecord& s) { return s.Start().has_value(); });
  if (!any) return "";
  const double span = std::max(last - first, 1e-3);
  const std::vector<double> ticks = NiceTicks(0, span, 8);
  const double axis_end = std::max(span, ticks.back());
  auto x = [&](double seconds) { return kLabelWidth + seconds / axis_end * kBarsWidth; };
  const double height = kTop + report.steps.size() * kRowHeight + kAxis;

  std::string svg = fmt::format(
      "<svg class=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {0} {1}\" "
      "width=\"{0}\" height=\"{1}\" role=\"img\" aria-label=\"step timeline\">\n",
      FormatCoordinate(kLabelWidth + kBarsWidth + 20), FormatCoordinate(height));
  const double axis_y = kTop + report.steps.size() * kRowHeight;
  for (double t : ticks)
    svg += fmt::format(
        "<line class=\"grid\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"/>"
        "<text class=\"tick\" x=\"{0}\" y=\"{3}\" text-anchor=\"middle\">{4} s</text>\n",
        FormatCoordinate(x(t)), FormatCoordinate(kTop), FormatCoordinate(axis_y),
        FormatCoordinate(axis_y + 16), FormatNumber(t));
  for (std::size_t row = 0; row < report.steps.size(); ++row) {
    const StepRecord& step = report.steps[row];
    const double y = kTop + row * kRowHeight;
    svg += fmt::format(
        "<g class=\"lane\" data-step=\"{}\"><text class=\"lane-label\" x=\"{}\" "
        "y=\"{}\" text-anchor=\"end\">{}</text>",
        EscapeHtml(step.step), FormatCoordinate(kLabelWidth - 8), FormatCoordinate(y + 17),
        EscapeHtml(step.step));
    if (const std::optional<Timestamp> start = step.Start()) {
      const double begin = *start - first;
      const double end = step.End().value_or(last) - first;
      svg += fmt::format(
          "<rect class=\"bar status-{}{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"3\">"
          "<title>{}: {} ({}{})</title></rect>",
          StatusName(step.status), step.cache_hit ? " cache-hit" : "", FormatCoordinate(x(begin)),
          FormatCoordinate(y + 4), FormatCoordinate(std::max(2.0, x(end) - x(begin))),
          FormatCoordinate(kRowHeight - 8), EscapeHtml(step.step), StatusName(step.status),
          FormatDuration(start, step.End()), step.cache_hit ? ", cache hit" : "");
    } else {
      svg += fmt::format("<text class=\"not-run\" x=\"{}\" y=\"{}\">{}</text>",
                         FormatCoordinate(kLabelWidth + 4), FormatCoordinate(y + 17),
                         StatusName(step.status));
    }
    svg += "</g>\n";
  }
  return svg + "</svg>\n";
}

}  // namespace ctp::report
