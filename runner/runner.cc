// RunPipeline: checks, the workdir and volume locks, ending what a killed run left running, the
// run record, the scheduler, then the sweep of stale temporary entries; and --dry-run's plan.
#include "ctp/runner/runner.h"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <iostream>
#include <thread>

#include "ctp/model/dag.h"
#include "ctp/model/diagnostic.h"
#include "ctp/base/cpu_cores.h"
#include "ctp/runner/process_launcher.h"
#include "ctp/step/step_registry.h"
#include "ctp/runner/workspace.h"
#include "container_runtime.h"
#include "leftover_steps.h"
#include "run_plan.h"
#include "scheduler.h"
#include "temporary_sweep.h"
#include "volume_lock.h"

namespace ctp {
namespace {

double Now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

ProgressStyle DecideStyle(ProgressStyle style, std::ostream& out) {
  if (style != ProgressStyle::kAuto) return style;
  return &out == &std::cout && ::isatty(STDOUT_FILENO) ? ProgressStyle::kLive
                                                       : ProgressStyle::kPlain;
}

// The run to resume, running again. Throws when there is no such run of this pipeline.
RunRecord ResumedRun(const RunStore& store, const std::string& run_id, const Pipeline& pipeline) {
  std::optional<RunRecord> run = store.FindRun(run_id);
  if (!run) throw std::invalid_argument(fmt::format("--resume {}: no such run", run_id));
  if (run->pipeline != pipeline.name)
    throw std::invalid_argument(fmt::format("--resume {}: that run is of pipeline '{}', not '{}'",
                                            run_id, run->pipeline, pipeline.name));
  run->status = RunStatus::kRunning;
  run->ended_at = 0;
  return *run;
}

// The records of the resumed run, by task.
std::map<std::string, StepRecord> ResumedSteps(const RunStore& store, const std::string& run_id) {
  std::map<std::string, StepRecord> steps;
  for (StepRecord& step : store.Steps(run_id)) steps[step.step] = std::move(step);
  return steps;
}

std::string PlanValue(const Template& value, const runner::ValueScope& scope) {
  return runner::ResolveTemplate(value, scope);
}

}  // namespace

RunResult RunPipeline(const Pipeline& pipeline, const RunOptions& options) {
  runner::CheckRunnable(pipeline, options);
  Dag dag = Dag::Build(pipeline);
  std::ostream& out = options.out ? *options.out : std::cout;
  runner::SecretSource secrets(options.secrets_file);  // a bad file fails --dry-run too
  const std::set<std::string> selected = runner::SelectSteps(pipeline, dag, options);
  std::ostream& warnings = options.warnings ? *options.warnings : std::cerr;
  for (const Diagnostic& warning : runner::MissingSecrets(pipeline, selected, secrets))
    warnings << FormatDiagnostic(warning) << std::flush;
  if (options.dry_run) {
    out << DescribePlan(pipeline, options);
    return {"", RunStatus::kSucceeded, {}};
  }
  std::unique_ptr<ProcessLauncher> posix;
  if (!options.launcher) posix = MakePosixProcessLauncher();
  ProcessLauncher* launcher = options.launcher ? options.launcher : posix.get();
  if (!options.runtime.empty()) runner::CheckContainerRuntime(options.runtime, *launcher);
  Workspace workspace(options.workdir.empty() ? DefaultWorkdir() : options.workdir);
  WorkdirLock lock(workspace.root());
  runner::TemporarySweep sweep;  // after the run: temporaries last modified before now
  RunStore store(workspace.Database());
  RunRecord run = options.resume.empty()
                      ? RunRecord{NewRunId(pipeline.name), pipeline.name, options.script, {},
                                  RunStatus::kRunning, Now(), 0}
                      : ResumedRun(store, options.resume, pipeline);
  const auto volume_locks = runner::LockVolumes(pipeline, options, workspace, run.id);
  runner::EndLeftoverSteps(store, workspace, *launcher, out);
  store.MarkRunningAsInterrupted();

  runner::RunSetup setup;
  setup.pipeline = &pipeline;
  setup.dag = &dag;
  setup.options = &options;
  setup.params = runner::ParamValuesOf(pipeline);
  setup.selected = selected;
  setup.workspace = &workspace;
  setup.store = &store;
  setup.secrets = &secrets;
  setup.launcher = launcher;
  setup.registry = options.registry ? options.registry : &StepRegistry::Default();
  const int cores = base::UsableCpuCores();
  setup.jobs = options.jobs > 0 ? options.jobs : cores;
  if (pipeline.parallelism > 0) setup.jobs = std::min(setup.jobs, pipeline.parallelism);

  if (!options.resume.empty()) setup.resumed = ResumedSteps(store, run.id);
  run.params = setup.params;
  setup.run_id = run.id;
  std::filesystem::create_directories(workspace.RunDir(run.id));
  store.SaveRun(run);

  runner::ProgressView view(out, DecideStyle(options.progress, out), options.verbose);
  setup.progress = &view;
  setup.sweep = &sweep;
  out << fmt::format("run {} of pipeline '{}' in {}\n", run.id, pipeline.name,
                     workspace.RunDir(run.id).string())
      << std::flush;
  run.status = runner::Schedule(setup);
  run.ended_at = Now();
  store.SaveRun(run);
  for (const std::filesystem::path& removed : sweep.Sweep())
    out << fmt::format("removed {}: left by an interrupted write\n", removed.string());

  RunResult result{run.id, run.status, store.Steps(run.id)};
  view.Summary(run.id, run.status, result.steps);
  return result;
}

std::string DescribePlan(const Pipeline& pipeline, const RunOptions& options) {
  runner::CheckRunnable(pipeline, options);
  Dag dag = Dag::Build(pipeline);
  const std::set<std::string> selected = runner::SelectSteps(pipeline, dag, options);
  const std::map<std::string, std::string> params = runner::ParamValuesOf(pipeline);
  const nlohmann::json item = "{{item}}";
  auto scope_of = [&item](const std::map<std::string, std::string>& values,
                          const std::string& prefix) {
    runner::ValueScope scope;
    scope.params = &values;
    scope.step_output = [prefix](const Ref& ref) {
      return fmt::format("{{{{{}{}.{}}}}}", prefix, ref.step, ref.name);
    };
    scope.output_path = [](const std::string& name) { return "{{outputs/" + name + "}}"; };
    scope.item = &item;
    scope.workflow_status = "{{status}}";
    scope.workflow_name = "{{run}}";
    return scope;
  };
  std::string plan = fmt::format("plan of pipeline '{}' ({} step{}):\n", pipeline.name,
                                 pipeline.steps.size(), pipeline.steps.size() == 1 ? "" : "s");
  // A step, and after a sub-pipeline step its pipeline's steps, named as the run names them
  // (`pack.zip`; `sweep[*].train` in loops), their parameters the values the step passes in.
  std::function<void(const Step&, const std::string&, const std::string&,
                     const std::map<std::string, std::string>&)>
      describe = [&](const Step& step, const std::string& note,
                     const std::string& prefix, const std::map<std::string, std::string>& values) {
    const runner::ValueScope scope = scope_of(values, prefix);
    std::vector<std::string> notes;
    if (!note.empty()) notes.push_back(note);
    if (prefix.empty() && !selected.count(step.name) && note.empty())
      notes.push_back("reuses earlier outputs");
    if (step.loop) notes.push_back("for each");
    if (step.when) notes.push_back("when");
    plan += fmt::format("  {}{} ({}){}\n", prefix, step.name, StepKindName(step.kind),
                        notes.empty() ? "" : fmt::format(" [{}]", fmt::join(notes, ", ")));
    std::string command;
    if (step.kind == Step::Kind::kContainer) {
      for (const Template& part : step.command) command += " " + PlanValue(part, scope);
      for (const Template& part : step.args) command += " " + PlanValue(part, scope);
      plan += "    $" + command + "\n";
      if (!options.runtime.empty())
        plan += fmt::format("    in image {} ({})\n", step.image, options.runtime);
      for (const EnvVar& env : step.env)
        plan += fmt::format("    env {}={}\n", env.name,
                            env.secret
                                ? fmt::format("<secret {}/{}>", env.secret->secret, env.secret->key)
                            : env.vault ? fmt::format("<vault {}>", env.vault->key)
                                        : PlanValue(env.value, scope));
    } else {
      for (const Input& input : step.inputs)
        plan += fmt::format("    {} = {}\n", input.name, PlanValue(input.value, scope));
    }
    if (step.kind != Step::Kind::kPipeline || !step.pipeline) return;
    const Pipeline& inner = *step.pipeline;
    std::map<std::string, std::string> inner_values;
    for (const Param& param : inner.params)
      if (param.default_value) inner_values[param.name] = *param.default_value;
    for (const Input& input : step.inputs)
      inner_values[input.name] = PlanValue(input.value, scope);
    const std::string inner_prefix = prefix + step.name + (step.loop ? "[*]." : ".");
    const Dag inner_dag = Dag::Build(inner);
    for (const std::string& name : inner_dag.TopologicalOrder())
      describe(*inner.FindStep(name), "", inner_prefix, inner_values);
  };
  for (const std::string& name : dag.TopologicalOrder())
    describe(*pipeline.FindStep(name), "", "", params);
  if (pipeline.on_exit) describe(*pipeline.on_exit, "on exit", "", params);
  return plan;
}

}  // namespace ctp
