#include "ctp/report/run_report.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <iterator>
#include <stdexcept>

namespace ctp::report {
namespace {

constexpr std::array<std::pair<std::string_view, RunStatus>, 11> kWords{{
    {"pending", RunStatus::kPending},
    {"running", RunStatus::kRunning},
    {"succeeded", RunStatus::kSucceeded},
    {"success", RunStatus::kSucceeded},
    {"cached", RunStatus::kSucceeded},
    {"failed", RunStatus::kFailed},
    {"error", RunStatus::kFailed},
    {"skipped", RunStatus::kSkipped},
    {"omitted", RunStatus::kSkipped},
    {"cancelled", RunStatus::kCancelled},
    {"interrupted", RunStatus::kCancelled},
}};

}  // namespace

std::string_view StatusName(RunStatus status) {
  switch (status) {
    case RunStatus::kPending:
      return "pending";
    case RunStatus::kRunning:
      return "running";
    case RunStatus::kSucceeded:
      return "succeeded";
    case RunStatus::kFailed:
      return "failed";
    case RunStatus::kSkipped:
      return "skipped";
    case RunStatus::kCancelled:
      return "cancelled";
  }
  return "pending";
}

RunStatus ParseStatus(std::string_view word) {
  std::string lower(word);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  for (const auto& [name, status] : kWords)
    if (name == lower) return status;
  throw std::invalid_argument(
      "unknown run status '" + std::string(word) +
      "' (expected pending, running, succeeded, failed, skipped or cancelled)");
}

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
