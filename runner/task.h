// A task: one step, or one iteration of a looped step, with every value resolved for this run.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "ctp/model/pipeline.h"

namespace ctp::runner {

/// What a worker needs to run one task; filled by the scheduler, read by the executor.
struct Task {
  std::string name;  ///< `step`, or `step[i]` for loop iteration i (in sub-pipelines `pack.step`)
  std::string node;  ///< the step as the scheduler knows it: `step` (`pack.step`)
  const Step* step = nullptr;
  int index = -1;                             ///< the loop iteration, -1 outside loops
  nlohmann::json item;                        ///< the loop item
  std::filesystem::path dir;                  ///< `<run>/<step>` (iterations: `<run>/<step>/<i>`)
  std::vector<std::string> argv;              ///< container steps
  std::string script_source;  ///< script steps: the resolved source, written to ScriptFile()
  std::map<std::string, std::string> env;     ///< container steps (secrets included)
  std::filesystem::path working_dir;          ///< container steps; empty = the task folder
  std::vector<std::string> stop_argv;  ///< run after a timeout or stop (`docker kill NAME`)
  std::map<std::string, std::string> inputs;  ///< Lua and native steps
  std::optional<std::chrono::milliseconds> timeout;
  std::string fingerprint;  ///< of the resolved spec and input contents
  bool cacheable = false;   ///< may be served from, and saved to, the cache
  int attempts = 0;         ///< attempts started so far
  std::chrono::steady_clock::time_point first_start;  ///< when the first attempt started
};

/// How one attempt of a task ended.
struct TaskOutcome {
  bool succeeded = false;
  bool cache_hit = false;
  bool timed_out = false;
  bool could_not_start = false;  ///< the process could not start (Argo's Error, not Failed)
  int exit_code = 0;
  std::string message;                         ///< why it failed
  std::map<std::string, std::string> outputs;  ///< published output values (artifacts: paths)
  double duration = 0;                         ///< seconds
};

/// `<task dir>/script`: where a script step's source is written for its interpreter.
inline std::filesystem::path ScriptFile(const Task& task) { return task.dir / "script"; }

/// `<task dir>/outputs.partial`: where a running task writes; renamed to `outputs/` when done.
inline std::filesystem::path StagingOutputs(const Task& task) {
  return task.dir / "outputs.partial";
}

}  // namespace ctp::runner
