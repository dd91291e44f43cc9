// `ctp run --runtime docker|podman`: container steps run in their image through the runtime's
// CLI instead of on the host. The paths that values resolve to (volume folders, run folders) are
// mounted at the same paths inside the container, so resolved commands work unchanged.
#pragma once

#include <string>
#include <vector>

#include "ctp/model/pipeline.h"

namespace ctp {
class ProcessLauncher;
}

namespace ctp::runner {

/// A host folder a container sees at the same path.
struct HostMount {
  std::string path;
  bool read_only = false;
};

/// What the runtime's `run` needs beyond the step: its name, mounts, environment and folder.
struct ContainerRun {
  std::string runtime;                 ///< docker | podman
  std::string name;                    ///< the container's name (ContainerName)
  std::vector<HostMount> mounts;       ///< mounted at the same paths
  std::vector<std::string> env_names;  ///< passed as `-e NAME`: values come from the environment
  std::string working_dir;             ///< `-w`; empty = the image's
  std::vector<std::string> command;    ///< the resolved command and args
};

/// Throws std::invalid_argument unless `runtime` is docker or podman, is on PATH and
/// `<runtime> info` succeeds (checked once, before a run).
void CheckContainerRuntime(const std::string& runtime, ProcessLauncher& launcher);

/// `ctp-<run>-<task>` with every character a container name may not hold replaced by '-'.
std::string ContainerName(const std::string& run_id, const std::string& task);

/// `<runtime> run --rm -i --name NAME -v HOST:HOST[:ro] ... -e NAME ... -w DIR [GPU] IMAGE
/// command...`; GPU is `--gpus N` for docker and `--device nvidia.com/gpu=all` for podman when
/// the step asks for GPUs.
std::vector<std::string> ContainerArgv(const Step& step, const ContainerRun& run);

/// `<runtime> kill NAME`: stops the container of a step that timed out or was stopped.
std::vector<std::string> ContainerKillArgv(const std::string& runtime, const std::string& name);

}  // namespace ctp::runner
