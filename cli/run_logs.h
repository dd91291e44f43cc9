// `ctp runs logs RUN [STEP] [--follow]`: the log files of a run's tasks
// (<workdir>/runs/RUN/TASK/log.txt), printed whole or followed while the run goes on.
#pragma once

#include <ostream>
#include <string>

#include "ctp/runner/run_store.h"
#include "ctp/runner/workspace.h"

namespace ctp::cli {

/// Which logs: of one task (`step` or `step[2]`), of every iteration of a looped step (`step`),
/// or of every task when `step` is empty.
struct RunLogsRequest {
  std::string step;
  bool follow = false;  ///< keep printing what is appended until the run (or its ctp) has ended
};

/// Prints the logs `request` selects of `run`: one log as it is, several with each line prefixed
/// "TASK | ". Throws std::invalid_argument for a step the run does not have (with a did-you-mean).
void PrintRunLogs(const RunStore& store, const Workspace& workspace, const RunRecord& run,
                  const RunLogsRequest& request, std::ostream& out);

}  // namespace ctp::cli
