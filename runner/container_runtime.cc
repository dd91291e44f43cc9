#include "container_runtime.h"

#include <fmt/format.h>

#include <stdexcept>

#include "ctp/runner/process_launcher.h"

namespace ctp::runner {

void CheckContainerRuntime(const std::string& runtime, ProcessLauncher& launcher) {
  if (runtime != "docker" && runtime != "podman")
    throw std::invalid_argument(
        fmt::format("--runtime {}: unknown container runtime (use docker or podman)", runtime));
  if (FindProgram(runtime).empty())
    throw std::invalid_argument(fmt::format("--runtime {}: '{}' is not on PATH", runtime, runtime));
  ProcessSpec info;
  info.argv = {runtime, "info"};
  info.log_file = "/dev/null";
  info.timeout = std::chrono::seconds(30);
  const std::atomic<bool> never = false;
  const ProcessResult result = launcher.Run(info, never);
  if (result.timed_out)
    throw std::invalid_argument(
        fmt::format("--runtime {}: '{} info' did not answer within 30s", runtime, runtime));
  if (!result.error.empty() || result.exit_code != 0)
    throw std::invalid_argument(fmt::format(
        "--runtime {}: '{} info' failed with exit code {} (is {} installed and its service "
        "running?)",
        runtime, runtime, result.exit_code, runtime));
}

std::string ContainerName(const std::string& run_id, const std::string& task) {
  std::string name = "ctp-" + run_id + "-" + task;
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '-') c = '-';
  while (!name.empty() && name.back() == '-') name.pop_back();  // `step[2]` → `step-2`
  return name;
}

std::vector<std::string> ContainerArgv(const Step& step, const ContainerRun& run) {
  std::vector<std::string> argv = {run.runtime, "run", "--rm", "-i", "--name", run.name};
  for (const HostMount& mount : run.mounts) {
    argv.push_back("-v");
    argv.push_back(mount.path + ":" + mount.path + (mount.read_only ? ":ro" : ""));
  }
  for (const std::string& name : run.env_names) {
    argv.push_back("-e");
    argv.push_back(name);
  }
  if (!run.working_dir.empty()) {
    argv.push_back("-w");
    argv.push_back(run.working_dir);
  }
  if (step.resources.gpu_count > 0) {
    if (run.runtime == "docker") {
      argv.push_back("--gpus");
      argv.push_back(std::to_string(step.resources.gpu_count));
    } else {
      argv.push_back("--device");
      argv.push_back("nvidia.com/gpu=all");
    }
  }
  argv.push_back(step.image);
  argv.insert(argv.end(), run.command.begin(), run.command.end());
  return argv;
}

std::vector<std::string> ContainerKillArgv(const std::string& runtime, const std::string& name) {
  return {runtime, "kill", name};
}

}  // namespace ctp::runner
