#include "ctp/model/step_record.h"

namespace ctp {

std::optional<double> StepRecord::Start() const {
  if (started_at <= 0) return std::nullopt;
  return started_at;
}

std::optional<double> StepRecord::End() const {
  if (started_at <= 0 || status == RunStatus::kRunning) return std::nullopt;
  return started_at + duration;
}

}  // namespace ctp
