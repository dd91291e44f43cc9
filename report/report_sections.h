// The parts of the report page, each a fragment of HTML or inline SVG. Colours come from the
// page's stylesheet through class names (status-*, series-*, label-*), never from these functions.
#pragma once

#include <string>
#include <vector>

#include "ctp/report/run_report.h"

namespace ctp::report {

/// The DAG as an <svg class="dag">: one <g class="node status-*"> per step, edges as <path>.
std::string RenderDagSvg(const RunReport& report);

/// The step timeline (Gantt) as an <svg class="timeline">, or "" when no step has times.
std::string RenderTimelineSvg(const RunReport& report);

/// A line chart (<svg class="chart">) of `series` against their index, titled `title`.
std::string RenderLineChart(const std::string& title,
                            const std::vector<const MetricSeries*>& series);

/// The confusion matrix as a <table class="confusion"> with cells shaded by row share.
std::string RenderConfusionTable(const ConfusionMatrix& matrix);

/// A tiled slide (<figure class="slide-view">): the thumbnail with the patch grid, and the
/// heatmap over the thumbnail when there is one.
std::string RenderSlideView(const SlideView& slide);

/// Values for an axis from `low` to `high`: about `count` round numbers (1, 2 or 5 × 10^k) that
/// cover the range; low == high gives one tick.
std::vector<double> NiceTicks(double low, double high, int count);

}  // namespace ctp::report
