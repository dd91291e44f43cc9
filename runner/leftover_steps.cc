#include "leftover_steps.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <signal.h>

#include <fstream>
#include <stdexcept>
#include <thread>

#include "ctp/runner/process_launcher.h"
#include "process_groups.h"

namespace ctp::runner {
namespace {

using Clock = std::chrono::steady_clock;

/// How long a group has to go after SIGKILL (the kernel delivers it asynchronously).
constexpr std::chrono::milliseconds kKillWait{5000};

/// Whether the recorded group still runs: its leader is the process recorded (same start time in
/// the same boot) or, when the leader has ended, its members all started after it (a group's id
/// is not given to another process while the group has members).
bool StillRunning(const StepProcessRecord& process, const std::map<int, long long>& members,
                  const std::string& boot_id) {
  if (members.empty() || process.pgid <= 0 || process.boot_id != boot_id) return false;
  if (auto leader = members.find(process.pgid); leader != members.end())
    return leader->second == process.start_time;
  for (const auto& [pid, start_time] : members)
    if (start_time < process.start_time) return false;
  return true;
}

/// Waits until group `pgid` has no live member, at most `limit`; false when it still has one.
bool WaitUntilGone(int pgid, std::chrono::milliseconds limit) {
  const auto deadline = Clock::now() + limit;
  for (;;) {
    if (LiveGroupMembers(pgid).empty()) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

/// Ends the group: SIGTERM, then SIGKILL after `grace`. Returns how it ended it.
std::string EndGroup(const StepProcessRecord& process, std::chrono::milliseconds grace) {
  ::kill(-process.pgid, SIGTERM);
  if (WaitUntilGone(process.pgid, grace)) return "SIGTERM";
  ::kill(-process.pgid, SIGKILL);
  if (WaitUntilGone(process.pgid, kKillWait))
    return fmt::format("SIGKILL (SIGTERM did not end it within {}s)",
                       std::chrono::duration<double>(grace).count());
  throw std::runtime_error(fmt::format(
      "step '{}' of run {} was left running by a killed ctp (process group {}) and is still "
      "there after SIGKILL; nothing was run",
      process.task, process.run_id, process.pgid));
}

/// Runs the record's stop command (a container runtime's `kill NAME`) into the task's log.
void Stop(const StepProcessRecord& process, const Workspace& workspace,
          ProcessLauncher& launcher) {
  if (process.stop_command.empty()) return;
  ProcessSpec stop;
  stop.argv = process.stop_command;
  stop.log_file = workspace.TaskDir(process.run_id, process.task) / "log.txt";
  stop.timeout = std::chrono::seconds(30);
  std::error_code error;
  std::filesystem::create_directories(stop.log_file.parent_path(), error);
  std::ofstream(stop.log_file, std::ios::app)
      << fmt::format("ctp: {}\n", fmt::join(process.stop_command, " "));
  const std::atomic<bool> never = false;
  launcher.Run(stop, never);
}

}  // namespace

void EndLeftoverSteps(RunStore& store, const Workspace& workspace, ProcessLauncher& launcher,
                      std::ostream& out, std::chrono::milliseconds grace) {
  const std::vector<StepProcessRecord> processes = store.StepProcesses();
  if (processes.empty()) return;
  const std::string boot_id = BootId();
  for (const StepProcessRecord& process : processes) {
    if (StillRunning(process, LiveGroupMembers(process.pgid), boot_id)) {
      const std::string how = EndGroup(process, grace);
      Stop(process, workspace, launcher);
      out << fmt::format(
                 "step '{}' of run {} was left running by a killed ctp (process group {}): "
                 "ended it with {}\n",
                 process.task, process.run_id, process.pgid, how)
          << std::flush;
      store.SetStepMessage(
          process.run_id, process.task,
          fmt::format("its ctp was killed; the next run ended process group {} with {}",
                      process.pgid, how));
    }
    store.ClearStepProcess(process.run_id, process.task);
  }
}

}  // namespace ctp::runner
