#include "ctp/run_report.h"

#include <algorithm>
#include <array>
#include <cctype>
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

}  // namespace ctp::report
