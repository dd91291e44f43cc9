// Reading what steps leave in their folders: KFP v1 UI metadata documents, and the
// "metric: NAME=VALUE (step N)" lines that `ctp step` prints into a step's log. (KFP metrics
// files are read by ctp/model/kfp_metrics.h.)
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "ctp/model/json_field.h"
#include "ctp/report/run_report.h"

namespace ctp::report {

/// The confusion matrix in an mlpipeline-ui-metadata.json document (an output of type
/// "confusion_matrix", inline CSV "target,predicted,count" with "labels"), if it has one.
/// Throws std::runtime_error naming the file and the field that is malformed.
std::optional<ConfusionMatrix> ReadKfpConfusion(const JsonField& document, const std::string& step);

/// Adds every "metric: NAME=VALUE" (a scalar) and "metric: NAME=VALUE (step N)" (a point of a
/// series) line of a step's log to `report`. Other lines are ignored.
void AddLoggedMetrics(std::string_view log, const std::string& step, RunReport& report);

}  // namespace ctp::report
