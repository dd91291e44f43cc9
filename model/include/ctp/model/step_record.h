// What the local runner records of one task of a run. The run store keeps it; `ctp runs show`
// and the HTML report show it.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "ctp/model/run_status.h"

namespace ctp {

/// One task of a run: a step, or one iteration of a looped step (`name[2]`).
struct StepRecord {
  std::string run_id;
  std::string step;  ///< the task's name
  RunStatus status = RunStatus::kPending;
  int attempts = 0;        ///< attempts made (retries + 1); 0 when it never ran
  int exit_code = 0;       ///< of the last attempt (when attempts > 0)
  double duration = 0;     ///< seconds from the first attempt's start to the last one's end
  bool cache_hit = false;  ///< outputs reused from an earlier run
  std::map<std::string, std::string> outputs;  ///< output name → value (artifacts: their path)
  std::string fingerprint;
  std::string message;    ///< why it failed or was skipped
  double started_at = 0;  ///< seconds since the epoch when its first attempt started; 0 = never

  /// When its first attempt started; none when it never started.
  std::optional<double> Start() const;
  /// When its last attempt ended; none when it never started or is still running.
  std::optional<double> End() const;
};

}  // namespace ctp
