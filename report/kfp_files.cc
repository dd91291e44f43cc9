#include "kfp_files.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <sstream>
#include <stdexcept>

namespace ctp::report {
namespace {

/// Splits one CSV row "target,predicted,count" whose class names may themselves hold commas:
/// the count is after the last comma, and the target is the label the row starts with.
bool SplitConfusionRow(const std::string& row, const std::vector<std::string>& labels,
                       std::size_t& target, std::size_t& predicted, long long& count) {
  const std::size_t last = row.rfind(',');
  if (last == std::string::npos) return false;
  const std::string pair = row.substr(0, last), number = row.substr(last + 1);
  char* end = nullptr;
  count = std::strtoll(number.c_str(), &end, 10);
  if (number.empty() || *end != '\0') return false;
  for (std::size_t t = 0; t < labels.size(); ++t) {
    if (pair.size() <= labels[t].size() || pair.compare(0, labels[t].size(), labels[t]) != 0 ||
        pair[labels[t].size()] != ',')
      continue;
    const std::string rest = pair.substr(labels[t].size() + 1);
    const auto found = std::find(labels.begin(), labels.end(), rest);
    if (found == labels.end()) continue;
    target = t;
    predicted = std::size_t(found - labels.begin());
    return true;
  }
  return false;
}

}  // namespace

std::optional<ConfusionMatrix> ReadKfpConfusion(const JsonField& document,
                                                const std::string& step) {
  for (const JsonField& output : document["outputs"].Elements()) {
    if (!output.Raw().is_object() || output.Value<std::string>("type", "") != "confusion_matrix")
      continue;
    const JsonField storage = output["storage"];
    if (storage.Get<std::string>() != "inline")
      storage.Fail("must be \"inline\" (only inline confusion matrices can be shown), got " +
                   storage.Shown());
    ConfusionMatrix matrix;
    matrix.step = step;
    matrix.class_names = output["labels"].Get<std::vector<std::string>>();
    const std::size_t k = matrix.class_names.size();
    matrix.counts.assign(k, std::vector<long long>(k, 0));
    const JsonField source = output["source"];
    std::istringstream csv(source.Get<std::string>());
    std::string row;
    for (int line = 1; std::getline(csv, row); ++line) {
      if (!row.empty() && row.back() == '\r') row.pop_back();
      if (row.empty()) continue;
      std::size_t t = 0, p = 0;
      long long count = 0;
      if (!SplitConfusionRow(row, matrix.class_names, t, p, count))
        source.Fail(fmt::format(
            "line {}: expected \"target,predicted,count\" with labels from \"labels\", got '{}'",
            line, row));
      matrix.counts[t][p] = count;
    }
    return matrix;
  }
  return std::nullopt;
}

void AddLoggedMetrics(std::string_view log, const std::string& step, RunReport& report) {
  std::istringstream lines{std::string(log)};
  std::string line;
  while (std::getline(lines, line)) {
    constexpr std::string_view kPrefix = "metric: ";
    if (line.rfind(kPrefix, 0) != 0) continue;
    const std::size_t equals = line.find('=', kPrefix.size());
    if (equals == std::string::npos || equals == kPrefix.size()) continue;
    const std::string name = line.substr(kPrefix.size(), equals - kPrefix.size());
    const char* start = line.c_str() + equals + 1;
    char* end = nullptr;
    const double value = std::strtod(start, &end);
    if (end == start) continue;
    const std::string rest(end);
    int index = -1;
    if (rest.rfind(" (step ", 0) == 0)
      index = std::atoi(rest.c_str() + 7);
    else if (!rest.empty())
      continue;
    if (index >= 0)
      AddPoint(report, step, name, index, value);
    else
      AddScalar(report, step, name, value);
  }
}

}  // namespace ctp::report
