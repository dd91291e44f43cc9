#include "step_executor.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <chrono>
#include <fstream>
#include <set>
#include <sstream>

#include "ctp/base/atomic_file.h"
#include "ctp/model/kfp_metrics.h"
#include "ctp/runner/process_launcher.h"
#include "ctp/step/lua_step.h"
#include "process_groups.h"
#include "task_watchdog.h"

namespace ctp::runner {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

fs::path LogFile(const Task& task) { return task.dir / "log.txt"; }

void AppendLog(const Task& task, const std::string& text) {
  std::ofstream log(LogFile(task), std::ios::app);
  log << text;
}

// Container steps without outputs get no staging folder (and no outputs/): one mkdir less per
// step, a third of what the runner costs beyond fork/exec on ext4 (docs/benchmarks.md). Lua and
// native steps always get one: their code is handed the folder.
bool NeedsStaging(const Task& task) {
  return !task.step->outputs.empty() || task.step->kind != Step::Kind::kContainer;
}

// Fails with `message` unless every declared output exists in the staging folder.
std::string MissingOutput(const Task& task) {
  for (const Output& output : task.step->outputs) {
    const fs::path path = StagingOutputs(task) / output.name;
    if (!fs::exists(path))
      return fmt::format("step '{}' did not write its output '{}' (expected at {})", task.name,
                         output.name, path.string());
  }
  return {};
}

// The step's output that is its standard output (its `result`), or nullptr.
const Output* StdoutOutput(const Task& task) {
  for (const Output& output : task.step->outputs)
    if (output.from_stdout) return &output;
  return nullptr;
}

// What the step printed, kept as Argo keeps a result: one final newline dropped (ReadOutputs
// drops it from the file), at most the last kResultMaxBytes. The log gets it in full.
void KeepResult(const Task& task, const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  in.close();
  std::string printed = text.str();
  AppendLog(task, printed);
  const std::size_t size = printed.size();
  const bool newline = !printed.empty() && printed.back() == '\n';
  if (newline) printed.pop_back();
  if (printed.size() > kResultMaxBytes) {
    AppendLog(task, fmt::format("ctp: step {} printed {} bytes: its result keeps the last {} "
                                "(Argo's limit)\n",
                                task.name, size, kResultMaxBytes));
    printed.erase(0, printed.size() - kResultMaxBytes);
  }
  base::WriteFileAtomically(path, newline ? printed + "\n" : printed);
}

// The message when a script step's interpreter is missing on this machine.
std::string MissingInterpreter(const Task& task) {
  const Step& step = *task.step;
  return fmt::format("script step '{}' ({}:{}): its interpreter '{}' is not on PATH (ctp run "
                     "runs the source with this machine's interpreter; install it, or run the "
                     "step in its image with --runtime docker)",
                     task.name, step.location.file, step.location.line, task.argv.front());
}

TaskOutcome RunContainer(const Task& task, const ExecutionEnv& env) {
  TaskOutcome outcome;
  ProcessSpec spec;
  spec.argv = task.argv;
  spec.env = task.env;
  spec.working_dir = task.working_dir.empty() ? task.dir : task.working_dir;
  spec.log_file = LogFile(task);
  if (task.step->IsScript()) base::WriteFileAtomically(ScriptFile(task), task.script_source);
  const Output* result_output = StdoutOutput(task);
  if (result_output) spec.stdout_file = StagingOutputs(task) / result_output->name;
  spec.timeout = task.timeout;
  // Recorded while it runs: a ctp killed meanwhile leaves the group to the next run to end.
  spec.started = [&task, &env](int pid) {
    env.store->SaveStepProcess({env.run_id, task.name, task.attempts, pid,
                                ProcessStartTime(pid).value_or(0), BootId(), task.stop_argv});
  };
  ProcessResult result = env.launcher->Run(spec, *env.cancelled);
  env.store->ClearStepProcess(env.run_id, task.name);
  if (result_output && fs::exists(spec.stdout_file)) KeepResult(task, spec.stdout_file);
  if ((result.timed_out || result.cancelled) && !task.stop_argv.empty()) {
    // Killing the runtime's client leaves the container running: stop it by name.
    ProcessSpec stop;
    stop.argv = task.stop_argv;
    stop.log_file = LogFile(task);
    stop.timeout = std::chrono::seconds(30);
    const std::atomic<bool> never = false;
    AppendLog(task, fmt::format("ctp: {}\n", fmt::join(task.stop_argv, " ")));
    env.launcher->Run(stop, never);
  }
  outcome.exit_code = result.exit_code;
  outcome.timed_out = result.timed_out;
  if (!result.error.empty()) {
    outcome.could_not_start = true;
    // Outside a container runtime (no stop command), argv[0] is the host's interpreter.
    outcome.message = task.step->IsScript() && task.stop_argv.empty() &&
                              FindProgram(task.argv.front()).empty()
                          ? MissingInterpreter(task)
                          : result.error;
    AppendLog(task, "ctp: " + result.error + "\n");
  } else if (result.timed_out) {
    outcome.message = TimedOutMessage(*task.timeout);
  } else if (result.cancelled) {
    outcome.message = "stopped";
  } else if (result.exit_code != 0) {
    outcome.message = fmt::format("exited with code {}", result.exit_code);
  } else {
    outcome.succeeded = true;
  }
  return outcome;
}

// A step that ran past its timeout or was stopped: the outcome says so, the log too.
TaskOutcome Interrupted(const Task& task, bool timed_out, const std::string& message) {
  TaskOutcome outcome;
  outcome.exit_code = 1;
  outcome.timed_out = timed_out;
  outcome.message = message;
  AppendLog(task, fmt::format("ctp: step {} {}\n", task.name, message));
  return outcome;
}

TaskOutcome RunLua(const Task& task, const ExecutionEnv& env) {
  TaskOutcome outcome;
  std::ofstream log(LogFile(task), std::ios::app);
  LuaStepOptions options;
  options.timeout = task.timeout;
  options.cancelled = env.cancelled;
  options.print = [&log](const std::string& line) { log << line << '\n' << std::flush; };
  std::map<std::string, std::string> values;
  try {
    values = (*env.lua_steps)(task.step->lua_source, task.inputs,
                              task.step->location.file + ":" + task.name, options);
  } catch (const StepTimedOut& e) {
    log.close();
    return Interrupted(task, true, e.what());
  } catch (const StepStopped& e) {
    log.close();
    return Interrupted(task, false, e.what());
  }
  log.close();
  for (const Output& output : task.step->outputs) {
    auto found = values.find(output.name);
    if (found == values.end()) {
      outcome.message = fmt::format("Lua step '{}' returned no value for its output '{}'",
                                    task.name, output.name);
      outcome.exit_code = 1;
      return outcome;
    }
    base::WriteFileAtomically(StagingOutputs(task) / output.name, found->second);
  }
  AppendLog(task,
            fmt::format("returned {} output{}\n", values.size(), values.size() == 1 ? "" : "s"));
  outcome.succeeded = true;
  return outcome;
}

TaskOutcome RunNative(const Task& task, const ExecutionEnv& env) {
  TaskOutcome outcome;
  const NativeStep* native = env.registry->Find(task.step->native);
  if (!native) {
    outcome.message = fmt::format("no native step '{}' is registered", task.step->native);
    outcome.exit_code = 1;
    return outcome;
  }
  if (env.sweep) env.sweep->Note(*native, task.inputs);
  TaskWatchdog watchdog(env.cancelled, task.timeout);
  std::ofstream log(LogFile(task), std::ios::app);
  StepContext context;
  context.args = task.inputs;
  context.output_dir = StagingOutputs(task);
  context.log = &log;
  const std::string name = task.name;
  // Reporting progress is where a step that never looks at the flag learns it must stop.
  context.progress = [&env, &watchdog, name](const StepProgress& progress) {
    if (watchdog.must_stop()) throw StepStopped("stopped");
    if (env.progress) env.progress(name, progress);
  };
  const std::string run_id = env.run_id;
  RunStore* store = env.store;
  context.metric = [store, run_id, name](const std::string& metric, double value, int index) {
    store->AddMetric({run_id, name, metric, value, index});
  };
  context.cancelled = watchdog.flag();
  try {
    RunNativeStep(*native, context);
  } catch (const std::exception& e) {
    if (!watchdog.must_stop()) throw;
    log.close();
    return Interrupted(task, watchdog.timed_out(),
                       watchdog.timed_out() ? TimedOutMessage(*task.timeout) : "stopped");
  }
  if (watchdog.timed_out()) {  // still running at its deadline: a cluster would have killed it
    log.close();
    return Interrupted(task, true, TimedOutMessage(*task.timeout));
  }
  outcome.succeeded = true;
  return outcome;
}

bool ServeFromCache(const Task& task, const ExecutionEnv& env) {
  if (!task.cacheable || !env.use_cache) return false;
  std::optional<CacheEntry> entry = env.store->FindCacheEntry(task.fingerprint);
  if (!entry) return false;
  const fs::path source = env.workspace->TaskDir(entry->run_id, entry->step) / "outputs";
  std::error_code error;
  if (!NeedsStaging(task)) {
    // Nothing to copy: a step without outputs is served by its record alone.
  } else if (!fs::is_directory(source, error)) {
    return false;
  } else {
    fs::copy(source, StagingOutputs(task), fs::copy_options::recursive, error);
  }
  if (error || !MissingOutput(task).empty()) return false;
  AppendLog(task,
            fmt::format("ctp: cache hit: outputs of {} in run {}\n", entry->step, entry->run_id));
  return true;
}

void Publish(const Task& task) {
  if (!NeedsStaging(task)) return;
  const fs::path published = task.dir / "outputs";
  if (fs::exists(published)) fs::remove_all(published);  // a resumed run's older attempt
  fs::rename(StagingOutputs(task), published);
}

// Metrics outputs (KFP metrics JSON) go into the run store; so do parameter outputs that hold
// such JSON (Lua steps return it as text). A value the step already logged as a metric of the
// same name is not recorded twice.
void RecordMetrics(const Task& task, const ExecutionEnv& env, const fs::path& outputs_dir) {
  std::set<std::string> logged;
  for (const MetricRecord& metric : env.store->Metrics(env.run_id))
    if (metric.step == task.name && metric.index < 0) logged.insert(metric.name);
  for (const Output& output : task.step->outputs) {
    if (output.kind == ValueKind::kArtifact) continue;
    const fs::path path = outputs_dir / output.name;
    if (fs::is_directory(path)) continue;
    try {
      for (const KfpMetric& metric : ReadKfpMetrics(path))
        if (logged.insert(metric.name).second)
          env.store->AddMetric({env.run_id, task.name, metric.name, metric.value, -1});
    } catch (const std::exception&) {
      if (output.kind == ValueKind::kMetrics) throw;
    }
  }
}

}  // namespace

std::map<std::string, std::string> ReadOutputs(const Step& step, const fs::path& outputs_dir) {
  std::map<std::string, std::string> values;
  for (const Output& output : step.outputs) {
    const fs::path path = outputs_dir / output.name;
    if (output.kind != ValueKind::kParameter) {
      values[output.name] = fs::absolute(path).lexically_normal().string();
      continue;
    }
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    std::string value = text.str();
    if (!value.empty() && value.back() == '\n') value.pop_back();
    values[output.name] = value;
  }
  return values;
}

TaskOutcome ExecuteTask(const Task& task, const ExecutionEnv& env) {
  const auto start = Clock::now();
  TaskOutcome outcome;
  try {
    const bool ran_before = task.attempts > 1 || fs::exists(LogFile(task));
    fs::create_directories(task.dir);
    if (ran_before) {  // an earlier attempt's outputs, or those of the run that was resumed
      fs::remove_all(StagingOutputs(task));
      fs::remove_all(task.dir / "outputs");
    }
    if (NeedsStaging(task)) fs::create_directories(StagingOutputs(task));
    if (task.attempts <= 1)
      std::ofstream(LogFile(task), std::ios::trunc);
    else
      AppendLog(task, fmt::format("ctp: attempt {}\n", task.attempts));
    if (ran_before) env.store->ClearMetrics(env.run_id, task.name);
    if (ServeFromCache(task, env)) {
      outcome.succeeded = true;
      outcome.cache_hit = true;
    } else {
      switch (task.step->kind) {
        case Step::Kind::kContainer:
          outcome = RunContainer(task, env);
          break;
        case Step::Kind::kLua:
          outcome = RunLua(task, env);
          break;
        case Step::Kind::kNative:
          outcome = RunNative(task, env);
          break;
        case Step::Kind::kPipeline:
          // The scheduler runs a sub-pipeline step as its pipeline's steps, never as one task.
          outcome.message = "a sub-pipeline step runs as its pipeline's steps, not as one task";
          break;
      }
    }
    if (outcome.succeeded) {
      if (std::string missing = MissingOutput(task); !missing.empty()) {
        outcome.succeeded = false;
        outcome.message = missing;
      }
    }
    if (outcome.succeeded) {
      Publish(task);
      outcome.outputs = ReadOutputs(*task.step, task.dir / "outputs");
      RecordMetrics(task, env, task.dir / "outputs");
    }
  } catch (const std::exception& e) {
    outcome.succeeded = false;
    outcome.message = e.what();
    if (outcome.exit_code == 0) outcome.exit_code = 1;
    AppendLog(task, fmt::format("ctp: {}\n", e.what()));
  }
  outcome.duration = std::chrono::duration<double>(Clock::now() - start).count();
  return outcome;
}

}  // namespace ctp::runner
