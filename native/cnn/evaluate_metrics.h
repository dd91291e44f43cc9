// Classification metrics and their KFP v1 documents: mlpipeline-metrics.json and the
// confusion matrix of mlpipeline-ui-metadata.json.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace ctp::native {

/// Accuracy, per-class precision/recall/F1 and the confusion matrix (rows = target).
struct ClassificationReport {
  std::vector<std::string> class_names;
  std::vector<std::vector<long long>> confusion;  ///< confusion[target][predicted]
  double accuracy = 0;
  std::vector<double> precision, recall, f1;  ///< 0 where undefined (no predictions / items)
  double macro_f1 = 0;
};

/// Scores `predicted` against `targets` (same length, values in 0..classes−1).
ClassificationReport Score(const std::vector<int>& targets, const std::vector<int>& predicted,
                           const std::vector<std::string>& class_names);

/// {"metrics": [{"name": "accuracy", "numberValue": ..., "format": "RAW"}, ...]}: accuracy,
/// macro_f1 and per class precision_<k>/recall_<k>/f1_<k> (KFP metric names: [a-z0-9_-]).
nlohmann::json KfpMetrics(const ClassificationReport& report);

/// {"outputs": [{"type": "confusion_matrix", "format": "csv", "schema": [...], "source": CSV,
/// "storage": "inline", "labels": [...]}]}, CSV rows "target,predicted,count".
nlohmann::json KfpUiMetadata(const ClassificationReport& report);

}  // namespace ctp::native
