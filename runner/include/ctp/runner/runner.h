// `ctp run`: runs a pipeline on this machine with the semantics a cluster gives it. Steps start
// when their dependencies are done and their `when` holds; loops fan out and in; failed steps are
// retried, time out, and skip their dependents; the exit handler always runs. Outputs are
// published by atomic rename, results recorded in the run store, and steps cached by fingerprint.
#pragma once

#include <atomic>
#include <filesystem>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "ctp/model/pipeline.h"
#include "ctp/step/lua_step.h"
#include "ctp/runner/run_store.h"

namespace ctp {

class ProcessLauncher;
class StepRegistry;

/// How progress is shown.
enum class ProgressStyle {
  kAuto,   ///< a live view on a terminal, plain lines otherwise
  kPlain,  ///< timestamped lines
  kLive,   ///< one redrawn line per running step
  kQuiet,  ///< nothing but the summary table
};

/// How a pipeline is run.
struct RunOptions {
  std::filesystem::path workdir;  ///< empty = DefaultWorkdir()
  std::string script;             ///< recorded with the run
  int jobs = 0;                   ///< steps at once; 0 = the number of cores
  std::string only;               ///< run this step alone (upstream outputs from earlier runs)
  std::string from;               ///< run this step and everything downstream of it
  bool dry_run = false;           ///< print the plan, run nothing
  bool use_cache = true;
  std::string resume;  ///< continue this run: its succeeded steps are kept when unchanged
  std::map<std::string, std::filesystem::path> volumes;  ///< claim (or volume) name → folder
  std::filesystem::path secrets_file;                    ///< YAML; empty = environment only
  ProgressStyle progress = ProgressStyle::kAuto;
  bool verbose = false;                     ///< stream step logs
  const std::atomic<bool>* stop = nullptr;  ///< set (e.g. by SIGINT) to stop the run
  std::ostream* out = nullptr;              ///< progress and summary; nullptr = std::cout
  /// Warnings printed before anything runs (a secret without a value), also with dry_run;
  /// nullptr = std::cerr.
  std::ostream* warnings = nullptr;
  ProcessLauncher* launcher = nullptr;      ///< nullptr = the POSIX launcher
  const StepRegistry* registry = nullptr;   ///< nullptr = StepRegistry::Default()
  /// Runs Lua function steps (ctp::RunLuaStep from the interpreter); empty = a pipeline with a
  /// Lua step is refused before anything runs.
  LuaStepFunction lua_steps;
  /// "docker" or "podman": container steps run in their image through that runtime; empty =
  /// on this machine (the image is not used).
  std::string runtime;
};

/// What a run did.
struct RunResult {
  std::string run_id;
  RunStatus status = RunStatus::kSucceeded;  ///< succeeded | failed | interrupted
  std::vector<StepRecord> steps;
  /// 0 when the run succeeded, 1 otherwise.
  int ExitCode() const { return status == RunStatus::kSucceeded ? 0 : 1; }
};

/// Runs `pipeline` (loaded and checked, parameters applied). Throws ctp::Error or
/// std::invalid_argument for bad options (unknown --only step, missing volume folder, a container
/// step without a command) before anything runs; a failing step makes a failed result instead.
RunResult RunPipeline(const Pipeline& pipeline, const RunOptions& options);

/// The plan `--dry-run` prints: each step in order with its resolved command or inputs.
std::string DescribePlan(const Pipeline& pipeline, const RunOptions& options);

}  // namespace ctp
