// Container steps a killed ctp left running. Each attempt's process group is recorded in the run
// store while it runs (StepProcessRecord); a ctp killed with SIGKILL cannot end its groups, which
// go on writing into their task folders and volumes. Before a run starts, the next `ctp run` in
// the workdir ends the groups still there and forgets the records.
#pragma once

#include <chrono>
#include <ostream>

#include "ctp/runner/run_store.h"
#include "ctp/runner/workspace.h"

namespace ctp {
class ProcessLauncher;
}

namespace ctp::runner {

/// How long a leftover group has after SIGTERM before it gets SIGKILL.
inline constexpr std::chrono::milliseconds kLeftoverGrace{5000};

/// Ends every recorded process group that is still the one recorded (same leader start time and
/// boot; a group whose leader has ended is its descendants): SIGTERM, SIGKILL after `grace`,
/// then the record's stop command (`docker kill NAME`, through `launcher`, into the task's
/// log.txt). Prints one line per group ended on `out`, notes it in the step's record, and forgets
/// every record. Throws std::runtime_error naming the step, run and group when one is still there
/// after SIGKILL.
void EndLeftoverSteps(RunStore& store, const Workspace& workspace, ProcessLauncher& launcher,
                      std::ostream& out, std::chrono::milliseconds grace = kLeftoverGrace);

}  // namespace ctp::runner
