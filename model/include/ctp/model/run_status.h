// The state of a run or of one of its tasks. The local runner records it, the run store keeps its
// text form, and `ctp runs` and the HTML report show that same word.
#pragma once

#include <string_view>

namespace ctp {

/// The state of a run or of a task (a step, or one iteration of a looped step).
enum class RunStatus {
  kPending,    ///< not started yet (a step the run never reached)
  kRunning,    ///< started and not ended
  kSucceeded,  ///< ended well (a cache hit too: StepRecord::cache_hit says so)
  kFailed,     ///< ended badly
  kSkipped,  ///< not run: its condition was false, it was not selected, or it reads a skipped step
  kOmitted,  ///< not run: a step it waits for did not succeed, or the run stopped first
  kInterrupted,  ///< the runner went away while it was running
};

/// Its one text form, as stored and shown: "pending", "running", "succeeded", "failed", "skipped",
/// "omitted", "interrupted".
std::string_view StatusName(RunStatus status);

/// The status whose StatusName is `name`. Throws std::invalid_argument naming `name` otherwise.
RunStatus ParseStatus(std::string_view name);

}  // namespace ctp
