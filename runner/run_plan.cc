#include "run_plan.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include "ctp/model/diagnostic.h"
#include "ctp/runner/process_launcher.h"
#include "pipeline_steps.h"

namespace ctp::runner {
namespace {

std::vector<std::string> StepNames(const Pipeline& pipeline) {
  std::vector<std::string> names;
  for (const Step& step : pipeline.steps) names.push_back(step.name);
  return names;
}

void CheckStepName(const Pipeline& pipeline, const std::string& option, const std::string& name) {
  if (name.empty()) return;
  for (const Step& step : pipeline.steps)
    if (step.name == name) return;
  // `pack.zip`, `sweep[2].train`: a step the run names inside a sub-pipeline step.
  const std::string outer = name.substr(0, name.find_first_of(".["));
  const Step* sub_pipeline = pipeline.FindStep(outer);
  if (outer != name && sub_pipeline && sub_pipeline->kind == Step::Kind::kPipeline)
    throw std::invalid_argument(fmt::format(
        "{} {}: '{}' is a step inside sub-pipeline step '{}', which runs as a whole ({} {})",
        option, name, name, outer, option, outer));
  throw std::invalid_argument(fmt::format("{} {}: pipeline '{}' has no step '{}'{}", option, name,
                                          pipeline.name, name,
                                          DidYouMean(name, StepNames(pipeline))));
}

void CheckVolumes(const Pipeline& pipeline, const RunOptions& options) {
  std::vector<std::string> names;
  auto add_names = [&names](const Pipeline& owner) {
    for (const Volume& volume : owner.volumes) {
      names.push_back(volume.claim.empty() ? volume.name : volume.claim);
      if (!volume.claim.empty() && volume.claim != volume.name) names.push_back(volume.name);
    }
  };
  add_names(pipeline);  // and the volumes of its sub-pipelines
  ForEachStep(pipeline, [&](const Pipeline&, const Step& step) {
    if (step.kind == Step::Kind::kPipeline && step.pipeline) add_names(*step.pipeline);
  });
  for (const auto& [name, path] : options.volumes) {
    if (std::find(names.begin(), names.end(), name) == names.end())
      throw std::invalid_argument(fmt::format(
          "--volume {}={}: pipeline '{}' has no volume or claim '{}'{}", name, path.string(),
          pipeline.name, name,
          names.empty() ? std::string(" (it declares no volumes)") : DidYouMean(name, names)));
    if (!std::filesystem::is_directory(path))
      throw std::invalid_argument(
          fmt::format("--volume {}={}: no such folder", name, path.string()));
  }
}

// A sub-pipeline's parameters are text, as the emitters pass them: an artifact is refused there
// with this message, and so here, so that a script runs locally only as it would on a cluster.
void CheckSubPipelineInputs(const Pipeline& owner, const Step& step) {
  for (const Input& input : step.inputs) {
    const Ref* ref = input.value.SoleRef();
    if (!ref || ref->kind != Ref::Kind::kStepOutput) continue;
    const Step* producer = owner.FindStep(ref->step);
    if (producer && producer->OutputKind(ref->name) != ValueKind::kParameter)
      throw Error(input.location,
                  fmt::format("sub-pipeline step '{}' gets artifact '{}' of step '{}' as input "
                              "'{}': sub-pipeline inputs are parameters",
                              step.name, ref->name, ref->step, input.name));
  }
}

void CheckStep(const Pipeline& owner, const Step& step, const RunOptions& options,
               bool host_processes, bool in_containers) {
  if (step.kind == Step::Kind::kPipeline) CheckSubPipelineInputs(owner, step);
  if (step.kind == Step::Kind::kPipeline && step.pipeline && step.pipeline->on_exit)
    throw Error(step.location,
                fmt::format("sub-pipeline step '{}' runs pipeline '{}', which has its own exit "
                            "handler '{}' ({}:{}): ctp run, like a cluster, runs only the exit "
                            "handler of the pipeline it runs (declare it there)",
                            step.name, step.pipeline->name, step.pipeline->on_exit->name,
                            step.pipeline->on_exit->location.file,
                            step.pipeline->on_exit->location.line));
  if (step.kind == Step::Kind::kLua && !options.lua_steps)
    throw std::invalid_argument(fmt::format(
        "step '{}' is a Lua step and this runner was given no way to run those "
        "(RunOptions::lua_steps; ctp::RunLuaStep runs them)",
        step.name));
  if (step.kind != Step::Kind::kContainer || in_containers) return;
  if (step.command.empty())
    throw Error(step.location,
                fmt::format("container step '{}' has no command: ctp run runs it on this machine "
                            "and cannot use the image's entrypoint (set command)",
                            step.name));
  const Template& program = step.command.front();
  if (!host_processes || !program.IsLiteral() || !FindStepProgram(program.Literal()).empty())
    return;
  if (step.IsScript())
    throw Error(step.location, fmt::format("script step '{}': its interpreter '{}' is not on PATH "
                                           "(ctp run runs the source with this machine's "
                                           "interpreter; install it, or run the step in its image "
                                           "with --runtime docker)",
                                           step.name, program.Literal()));
  throw Error(step.location, fmt::format("container step '{}': command '{}' is not on PATH",
                                         step.name, program.Literal()));
}

}  // namespace

std::map<std::string, std::string> ParamValuesOf(const Pipeline& pipeline) {
  std::map<std::string, std::string> values;
  for (const Param& param : pipeline.params) {
    if (!param.default_value)
      throw std::invalid_argument(fmt::format(
          "parameter '{}' has no value (give one with -p {}=VALUE)", param.name, param.name));
    values[param.name] = *param.default_value;
  }
  return values;
}

void CheckRunnable(const Pipeline& pipeline, const RunOptions& options) {
  CheckStepName(pipeline, "--only", options.only);
  CheckStepName(pipeline, "--from", options.from);
  if (!options.only.empty() && !options.from.empty())
    throw std::invalid_argument("--only and --from cannot be used together");
  if (options.jobs < 0) throw std::invalid_argument("--jobs must be at least 1");
  if (!options.runtime.empty() && options.runtime != "docker" && options.runtime != "podman")
    throw std::invalid_argument(fmt::format(
        "--runtime {}: unknown container runtime (use docker or podman)", options.runtime));
  CheckVolumes(pipeline, options);
  const bool host_processes = options.launcher == nullptr;
  const bool in_containers = !options.runtime.empty();
  ForEachStep(pipeline, [&](const Pipeline& owner, const Step& step) {
    CheckStep(owner, step, options, host_processes, in_containers);
  });
  ParamValuesOf(pipeline);
}

std::set<std::string> SelectSteps(const Pipeline& pipeline, const Dag& dag,
                                  const RunOptions& options) {
  std::set<std::string> selected;
  if (!options.only.empty()) return {options.only};
  if (options.from.empty()) {
    for (const Step& step : pipeline.steps) selected.insert(step.name);
    return selected;
  }
  std::vector<std::string> pending = {options.from};
  while (!pending.empty()) {
    std::string name = pending.back();
    pending.pop_back();
    if (!selected.insert(name).second) continue;
    for (const std::string& next : dag.Downstream(name)) pending.push_back(next);
  }
  return selected;
}

}  // namespace ctp::runner
