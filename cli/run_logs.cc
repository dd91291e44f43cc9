#include "run_logs.h"

#include <fmt/format.h>
#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <fstream>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "ctp/model/diagnostic.h"

namespace ctp::cli {
namespace {

/// Whether the ctp process that last locked the workdir (`<workdir>/lock` names its pid) lives.
bool WorkdirHolderAlive(const Workspace& workspace) {
  std::ifstream lock(workspace.root() / "lock");
  long pid = 0;
  if (!(lock >> pid) || pid <= 0) return false;
  return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

/// The run's tasks that `step` selects, in the order they started.
std::vector<std::string> SelectedTasks(const RunStore& store, const std::string& run_id,
                                       const std::string& step) {
  std::vector<std::string> all, selected;
  for (const StepRecord& record : store.Steps(run_id)) all.push_back(record.step);
  for (const std::string& task : all)
    if (step.empty() || task == step || (task.starts_with(step + "[") && task.ends_with("]")))
      selected.push_back(task);
  return selected;
}

/// Prints what log `task` holds from `offset` on (whole lines only unless `flush_partial`),
/// advancing `offset`.
void PrintNew(const Workspace& workspace, const std::string& run_id, const std::string& task,
              bool prefixed, bool flush_partial, std::uintmax_t& offset, std::ostream& out) {
  std::ifstream log(workspace.TaskDir(run_id, task) / "log.txt", std::ios::binary);
  if (!log) return;
  log.seekg(static_cast<std::streamoff>(offset));
  std::string text((std::istreambuf_iterator<char>(log)), {});
  if (!flush_partial) {
    const std::size_t last = text.rfind('\n');
    text.resize(last == std::string::npos ? 0 : last + 1);
  }
  offset += text.size();
  if (!prefixed) {
    out << text;
  } else {
    std::size_t begin = 0;
    while (begin < text.size()) {
      const std::size_t end = std::min(text.find('\n', begin), text.size());
      out << task << " | " << std::string_view(text).substr(begin, end - begin) << "\n";
      begin = end + 1;
    }
  }
  out << std::flush;
}

}  // namespace

void PrintRunLogs(const RunStore& store, const Workspace& workspace, const RunRecord& run,
                  const RunLogsRequest& request, std::ostream& out) {
  auto unknown_step = [&] {
    std::vector<std::string> names;
    for (const StepRecord& record : store.Steps(run.id)) names.push_back(record.step);
    return std::invalid_argument(fmt::format("run '{}' has no step '{}'{}", run.id, request.step,
                                             DidYouMean(request.step, names)));
  };
  std::vector<std::string> tasks = SelectedTasks(store, run.id, request.step);
  // Followed, a step may not have started yet; otherwise it must be there.
  if (tasks.empty() && !request.step.empty() && !request.follow) throw unknown_step();
  // One task's log as it is; several (a whole run, a loop's iterations) line by line, prefixed.
  const bool prefixed = tasks.size() != 1 || tasks[0] != request.step;
  std::map<std::string, std::uintmax_t> offsets;
  for (const std::string& task : tasks)
    PrintNew(workspace, run.id, task, prefixed, !request.follow, offsets[task], out);
  if (!request.follow) return;
  for (;;) {
    const std::optional<RunRecord> now = store.FindRun(run.id);
    const bool ended =
        !now || now->status != RunStatus::kRunning || !WorkdirHolderAlive(workspace);
    tasks = SelectedTasks(store, run.id, request.step);
    for (const std::string& task : tasks)
      PrintNew(workspace, run.id, task, prefixed, ended, offsets[task], out);
    if (ended && tasks.empty() && !request.step.empty()) throw unknown_step();
    if (ended) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

}  // namespace ctp::cli
