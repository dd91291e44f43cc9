#include "ctp/report/run_report.h"

#include <algorithm>
#include <iterator>

namespace ctp::report {

void AddScalar(RunReport& report, const std::string& step, const std::string& name, double value) {
  for (ScalarMetric& m : report.scalars)
    if (m.step == step && m.name == name) {
      m.value = value;
      return;
    }
  report.scalars.push_back({step, name, value});
}

void AddPoint(RunReport& report, const std::string& step, const std::string& name, int index,
              double value) {
  auto series =
      std::find_if(report.series.begin(), report.series.end(),
                   [&](const MetricSeries& s) { return s.step == step && s.name == name; });
  if (series == report.series.end()) {
    report.series.push_back({step, name, {}});
    series = std::prev(report.series.end());
  }
  for (MetricPoint& p : series->points)
    if (p.index == index) {
      p.value = value;
      return;
    }
  series->points.push_back({index, value});
}

}  // namespace ctp::report
