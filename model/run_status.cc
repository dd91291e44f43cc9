#include "ctp/model/run_status.h"

#include <array>
#include <stdexcept>
#include <string>
#include <utility>

namespace ctp {
namespace {

constexpr std::array<std::pair<RunStatus, std::string_view>, 7> kNames{{
    {RunStatus::kPending, "pending"},
    {RunStatus::kRunning, "running"},
    {RunStatus::kSucceeded, "succeeded"},
    {RunStatus::kFailed, "failed"},
    {RunStatus::kSkipped, "skipped"},
    {RunStatus::kOmitted, "omitted"},
    {RunStatus::kInterrupted, "interrupted"},
}};

}  // namespace

std::string_view StatusName(RunStatus status) {
  for (const auto& [value, name] : kNames)
    if (value == status) return name;
  return "pending";
}

RunStatus ParseStatus(std::string_view name) {
  for (const auto& [value, known] : kNames)
    if (known == name) return value;
  throw std::invalid_argument("unknown run status '" + std::string(name) +
                              "' (expected pending, running, succeeded, failed, skipped, omitted "
                              "or interrupted)");
}

}  // namespace ctp
