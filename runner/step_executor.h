// Runs one attempt of a task: a container command as a host process, a Lua function in a fresh
// Lua state, or a native step in-process. Outputs are written to a staging folder and published
// by one rename when the step has succeeded; cache hits copy recorded outputs instead.
#pragma once

#include <atomic>
#include <functional>
#include <string>

#include "ctp/runner/run_store.h"
#include "ctp/step/lua_step.h"
#include "ctp/step/step_registry.h"
#include "ctp/runner/workspace.h"
#include "task.h"
#include "temporary_sweep.h"

namespace ctp {
class ProcessLauncher;
}

namespace ctp::runner {

/// What every task of a run shares.
struct ExecutionEnv {
  std::string run_id;
  const Workspace* workspace = nullptr;
  RunStore* store = nullptr;
  ProcessLauncher* launcher = nullptr;
  const StepRegistry* registry = nullptr;
  const LuaStepFunction* lua_steps = nullptr;
  bool use_cache = true;
  const std::atomic<bool>* cancelled = nullptr;
  /// Progress reported by a native step (task name, progress).
  std::function<void(const std::string&, const StepProgress&)> progress;
  /// Told where native steps may write, for the sweep of temporary entries after the run.
  TemporarySweep* sweep = nullptr;
};

/// Runs one attempt of `task` and publishes its outputs. Never throws: failures are outcomes.
TaskOutcome ExecuteTask(const Task& task, const ExecutionEnv& env);

/// Reads the published outputs of `step` from `outputs_dir`: parameters as text (one trailing
/// newline removed), artifacts and metrics as paths.
std::map<std::string, std::string> ReadOutputs(const Step& step,
                                               const std::filesystem::path& outputs_dir);

}  // namespace ctp::runner
