// Turns a step of the model into a runnable task: references resolved to values and local paths,
// container paths of mounted volumes mapped to folders on this machine, secrets filled in, and
// the fingerprint that keys the cache.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "ctp/model/pipeline.h"
#include "ctp/step/step_registry.h"
#include "ctp/runner/workspace.h"
#include "secrets.h"
#include "task.h"
#include "values.h"

namespace ctp::runner {

/// What tasks are built from.
struct TaskInputs {
  const Pipeline* pipeline = nullptr;
  const Workspace* workspace = nullptr;
  const StepRegistry* registry = nullptr;
  const SecretSource* secrets = nullptr;
  std::string run_id;
  const std::map<std::string, std::string>* params = nullptr;
  /// Output values of finished steps: step → output → value (artifacts: paths).
  const std::map<std::string, std::map<std::string, std::string>>* step_outputs = nullptr;
  /// Volume (or claim) name → local folder.
  const std::map<std::string, std::filesystem::path>* volumes = nullptr;
  std::string workflow_status;  ///< for the exit handler
  std::string runtime;          ///< docker | podman: container steps run in their image
  /// What the run calls the steps of `pipeline`: "" for the run's own, `pack.` inside
  /// sub-pipeline step `pack`, `sweep[2].` in iteration 2 of a looped one. Task names, task
  /// folders and the keys of `step_outputs` are the step names with this prefix.
  std::string prefix;
  /// The steps belong to the exit handler (a sub-pipeline's): they always run, never cached.
  bool exit_handler = false;
};

/// The local folder standing in for a volume: `--volume` (by claim or volume name), else
/// `<workdir>/volumes/<claim or name>`.
std::filesystem::path VolumeFolder(const Volume& volume, const TaskInputs& inputs);

/// A scope that resolves references against finished steps.
ValueScope MakeScope(const TaskInputs& inputs, const nlohmann::json* item);

/// Builds the task for `step` (iteration `index` with `item` in loops). Throws std::runtime_error
/// when a value cannot be resolved.
Task BuildTask(const Step& step, const TaskInputs& inputs, int index, const nlohmann::json& item);

/// Replaces each container path (mount points, declared output paths) where it starts a path in
/// `text` by its local folder; longer container paths win.
std::string MapContainerPaths(const std::string& text,
                              const std::vector<std::pair<std::string, std::string>>& mapping);

}  // namespace ctp::runner
