// The scheduler of one run: walks the DAG with a bounded worker pool. A step starts when its
// dependencies are done and its `when` holds (else it is skipped); loops fan out into tasks and
// their outputs fan in as JSON lists; failed tasks are retried with backoff; a failure omits the
// steps downstream while independent branches finish; the exit handler runs last and sees the
// status.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "ctp/model/dag.h"
#include "ctp/runner/runner.h"
#include "progress.h"
#include "secrets.h"
#include "step_executor.h"
#include "task_builder.h"

namespace ctp::runner {

/// Everything a run needs, prepared by RunPipeline.
struct RunSetup {
  const Pipeline* pipeline = nullptr;
  const Dag* dag = nullptr;
  const RunOptions* options = nullptr;
  std::string run_id;
  int jobs = 1;
  std::set<std::string> selected;  ///< steps to run; others reuse earlier outputs
  std::map<std::string, std::string> params;
  std::map<std::string, StepRecord> resumed;  ///< records of the run being resumed
  const Workspace* workspace = nullptr;
  RunStore* store = nullptr;
  const SecretSource* secrets = nullptr;
  ProcessLauncher* launcher = nullptr;
  const StepRegistry* registry = nullptr;
  ProgressView* progress = nullptr;
  TemporarySweep* sweep = nullptr;
};

/// Runs every step (and the exit handler) and returns the run's status: succeeded, failed or
/// interrupted.
RunStatus Schedule(const RunSetup& setup);

}  // namespace ctp::runner
