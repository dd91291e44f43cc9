// Starting the processes of container steps. An interface, so that tests can fake it; the POSIX
// implementation runs each process in its own process group and kills the group on timeout.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ctp {

/// What to start: a command with its environment, folder, log file and time limit.
struct ProcessSpec {
  std::vector<std::string> argv;           ///< argv[0] is looked up on PATH
  std::map<std::string, std::string> env;  ///< added to (and overriding) ctp's environment
  std::filesystem::path working_dir;       ///< empty = ctp's current folder
  std::filesystem::path log_file;          ///< stdout and stderr go here (appended)
  /// When set, stdout goes here instead (truncated first); stderr still goes to `log_file`.
  std::filesystem::path stdout_file;
  std::optional<std::chrono::milliseconds> timeout;  ///< then the process group is killed
  /// Called with the process's pid (the id of its process group) once it has started, before it
  /// is waited for. When it throws, the group is killed and the exception passed on.
  std::function<void(int pid)> started;
};

/// How a process ended.
struct ProcessResult {
  int exit_code = -1;      ///< the exit status, or 128 + signal when killed by one
  bool timed_out = false;  ///< killed because it ran past its timeout
  bool cancelled = false;  ///< killed because the run is stopping
  std::string error;       ///< why it could not be started (then exit_code is 127)
};

/// Runs processes to completion. Implementations are called from several threads at once.
class ProcessLauncher {
 public:
  virtual ~ProcessLauncher() = default;
  /// Runs `spec` and waits for it; kills it when `cancelled` becomes true.
  virtual ProcessResult Run(const ProcessSpec& spec, const std::atomic<bool>& cancelled) = 0;
};

/// The launcher for this machine: posix_spawn, a new process group, pidfd-based waiting.
std::unique_ptr<ProcessLauncher> MakePosixProcessLauncher();

/// The full path of `program` found on PATH (or `program` itself when it contains a '/' and
/// exists), or an empty path.
std::filesystem::path FindProgram(const std::string& program);

/// The program a container step's command names: `ctp` (the entrypoint of the ctp image) is this
/// process when it is the ctp executable, else `ctp` on PATH; anything else as FindProgram.
std::filesystem::path FindStepProgram(const std::string& program);

}  // namespace ctp
