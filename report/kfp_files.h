// Reading what steps leave in their folders: KFP v1 metrics and UI metadata documents, and the
// "metric: NAME=VALUE (step N)" lines that `ctp step` prints into a step's log.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "ctp/report/run_report.h"

namespace ctp::report {

/// Adds the metrics of an mlpipeline-metrics.json document ({"metrics": [{"name", "numberValue"}]})
/// to `report` as scalars of `step`. Throws std::runtime_error saying what is malformed.
void AddKfpMetrics(const nlohmann::json& document, const std::string& step, RunReport& report);

/// The confusion matrix in an mlpipeline-ui-metadata.json document (an output of type
/// "confusion_matrix", inline CSV "target,predicted,count" with "labels"), if it has one.
/// Throws std::runtime_error saying what is malformed.
std::optional<ConfusionMatrix> ReadKfpConfusion(const nlohmann::json& document,
                                                const std::string& step);

/// Adds every "metric: NAME=VALUE" (a scalar) and "metric: NAME=VALUE (step N)" (a point of a
/// series) line of a step's log to `report`. Other lines are ignored.
void AddLoggedMetrics(std::string_view log, const std::string& step, RunReport& report);

}  // namespace ctp::report
