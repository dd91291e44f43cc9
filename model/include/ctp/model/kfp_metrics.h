// KFP v1 metrics files (mlpipeline-metrics.json): `{"metrics": [{"name": ..., "numberValue":
// ...}]}`. The runner records them in the run store and the report reads them from a run's folder.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace ctp {

/// One entry of a KFP metrics file.
struct KfpMetric {
  std::string name;
  double value = 0;
};

/// The entries of KFP metrics JSON `text`, in order. Throws std::runtime_error starting with
/// `source` and naming the field that is malformed (`metrics[1].numberValue: expected a number`).
std::vector<KfpMetric> ParseKfpMetrics(const std::string& text, const std::string& source);

/// The entries of the KFP metrics file at `path`. Throws std::runtime_error naming the file (and
/// the field) when it cannot be read or is not KFP metrics JSON.
std::vector<KfpMetric> ReadKfpMetrics(const std::filesystem::path& path);

}  // namespace ctp
