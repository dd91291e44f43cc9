#include "cnn/evaluate_metrics.h"

#include <cctype>
#include <stdexcept>

namespace ctp::native {
namespace {

/// A class name as a KFP metric-name suffix: lower case, other characters as '_'.
std::string MetricSuffix(const std::string& name) {
  std::string out;
  for (unsigned char c : name) out.push_back(std::isalnum(c) ? char(std::tolower(c)) : '_');
  return out;
}

nlohmann::json Metric(const std::string& name, double value) {
  return {{"name", name}, {"numberValue", value}, {"format", "RAW"}};
}

}  // namespace

ClassificationReport Score(const std::vector<int>& targets, const std::vector<int>& predicted,
                           const std::vector<std::string>& class_names) {
  const std::size_t k = class_names.size();
  if (targets.size() != predicted.size()) throw std::invalid_argument("Score: length mismatch");
  ClassificationReport r;
  r.class_names = class_names;
  r.confusion.assign(k, std::vector<long long>(k, 0));
  long long correct = 0;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    if (targets[i] < 0 || std::size_t(targets[i]) >= k || predicted[i] < 0 ||
        std::size_t(predicted[i]) >= k)
      throw std::invalid_argument("Score: class index out of range at item " + std::to_string(i));
    ++r.confusion[targets[i]][predicted[i]];
    correct += targets[i] == predicted[i];
  }
  r.accuracy = targets.empty() ? 0.0 : double(correct) / double(targets.size());
  for (std::size_t c = 0; c < k; ++c) {
    long long column = 0, row = 0;
    for (std::size_t o = 0; o < k; ++o) {
      column += r.confusion[o][c];
      row += r.confusion[c][o];
    }
    const double tp = double(r.confusion[c][c]);
    const double p = column ? tp / double(column) : 0.0, q = row ? tp / double(row) : 0.0;
    r.precision.push_back(p);
    r.recall.push_back(q);
    r.f1.push_back(p + q > 0 ? 2 * p * q / (p + q) : 0.0);
    r.macro_f1 += r.f1.back() / double(k);
  }
  return r;
}

nlohmann::json KfpMetrics(const ClassificationReport& report) {
  nlohmann::json metrics = nlohmann::json::array();
  metrics.push_back(Metric("accuracy", report.accuracy));
  metrics.push_back(Metric("macro_f1", report.macro_f1));
  for (std::size_t c = 0; c < report.class_names.size(); ++c) {
    const std::string suffix = MetricSuffix(report.class_names[c]);
    metrics.push_back(Metric("precision_" + suffix, report.precision[c]));
    metrics.push_back(Metric("recall_" + suffix, report.recall[c]));
    metrics.push_back(Metric("f1_" + suffix, report.f1[c]));
  }
  return {{"metrics", metrics}};
}

nlohmann::json KfpUiMetadata(const ClassificationReport& report) {
  std::string csv;
  const auto& names = report.class_names;
  for (std::size_t t = 0; t < names.size(); ++t)
    for (std::size_t p = 0; p < names.size(); ++p)
      csv += names[t] + "," + names[p] + "," + std::to_string(report.confusion[t][p]) + "\n";
  nlohmann::json schema = nlohmann::json::array({{{"name", "target"}, {"type", "CATEGORY"}},
                                                 {{"name", "predicted"}, {"type", "CATEGORY"}},
                                                 {{"name", "count"}, {"type", "NUMBER"}}});
  return {{"outputs", nlohmann::json::array({{{"type", "confusion_matrix"},
                                              {"format", "csv"},
                                              {"schema", schema},
                                              {"source", csv},
                                              {"storage", "inline"},
                                              {"labels", names}}})}};
}

}  // namespace ctp::native
