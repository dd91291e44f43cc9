// KFP DAGs: tasks of steps, for-loop and condition groups around them, sub-pipeline components.
#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "ctp/model/dag.h"
#include "ctp/model/diagnostic.h"
#include "ctp/model/step_refs.h"
#include "kfp.h"
#include "yaml_writer.h"

namespace ctp::emit {
namespace {

constexpr const char* kForLoop = "for-loop-";
constexpr const char* kCondition = "condition-";

void AppendUnique(std::vector<Ref>& refs, const Ref& ref) {
  if (std::find(refs.begin(), refs.end(), ref) == refs.end()) refs.push_back(ref);
}

// The new claims that steps of `pipeline` and of its sub-pipelines mount, as createpvc outputs.
void AppendClaimRefs(const Pipeline& pipeline, std::vector<Ref>& refs) {
  for (const Step& step : pipeline.steps) {
    for (const Mount& mount : step.mounts)
      if (const Volume* volume = pipeline.FindVolume(mount.volume);
          volume && volume->kind == Volume::Kind::kNewClaim)
        AppendUnique(refs, CreatePvcRef(volume->name));
    if (step.kind == Step::Kind::kPipeline && step.pipeline) AppendClaimRefs(*step.pipeline, refs);
  }
}

// JSON text of literal loop items, written like the KFP compiler's `raw` items.
std::string RawItems(const Loop& loop) {
  std::string text;
  for (const std::string& item : loop.items) text += (text.empty() ? "" : ", ") + item;
  return "[" + text + "]";
}

// The parameterType of a literal loop's items.
std::string ItemType(const Loop& loop) {
  bool all_ints = !loop.items.empty(), all_numbers = !loop.items.empty();
  for (const std::string& item : loop.items) {
    if (!item.empty() && item[0] == '{') return "STRUCT";
    all_numbers = all_numbers && IsNumber(item);
    all_ints = all_ints && IsNumber(item) && item.find_first_of(".eE") == std::string::npos;
  }
  return all_ints ? "NUMBER_INTEGER" : all_numbers ? "NUMBER_DOUBLE" : "STRING";
}

// KFP's RetryPolicy has no policy: its backend retries a task's pod with Argo's default
// (OnFailure), so another policy, which ctp run and Argo follow, is refused.
YamlValue RetryPolicy(const Retry& retry, const Step& step) {
  if (retry.policy && *retry.policy != kDefaultRetryPolicy)
    throw Error(step.location,
                fmt::format("step '{}': KFP retries a task only when it fails ({}), so retry "
                            "policy '{}' would retry differently there (leave policy out, or "
                            "use {})",
                            step.name, kDefaultRetryPolicy, *retry.policy, kDefaultRetryPolicy));
  YamlValue node;
  node["backoffDuration"] = DurationText(retry.backoff);
  node["backoffFactor"] = PlainScalar(DoubleLiteral(fmt::format("{}", retry.backoff_factor)));
  if (retry.backoff_max.count() > 0)
    throw Error(step.location,
                fmt::format("step '{}': KFP cannot cap a retry's delay (max_backoff): its "
                            "backoffMaxDuration limits the whole time spent retrying, which "
                            "would stop retries ctp run and Argo make (that limit is max_duration)",
                            step.name));
  if (retry.max_duration.count() > 0) node["backoffMaxDuration"] = DurationText(retry.max_duration);
  node["maxRetryCount"] = IntScalar(retry.limit);
  return node;
}

std::vector<Ref> OutputRefs(const Step& step) {
  std::vector<Ref> refs;
  for (const Output& output : step.outputs)
    refs.push_back(Ref{Ref::Kind::kStepOutput, step.name, output.name});
  return refs;
}

// The params of sub-pipeline step `step` (in `outer`) that get the pipeline's final status: from
// ctp.workflow.status (the exit task's own input), or from a param of `outer` that carries it.
std::map<std::string, bool> FinalStatusInputs(const KfpScope& outer, const Step& step) {
  std::map<std::string, bool> from_task;  // param -> whether the task's input is the status itself
  for (const Input& input : step.inputs)
    if (const Ref* ref = input.value.SoleRef(); ref && ref->kind == Ref::Kind::kWorkflowStatus)
      from_task[input.name] = true;
    else if (ref && ref->kind == Ref::Kind::kParam && outer.final_status_params.count(ref->name))
      from_task[input.name] = false;
  return from_task;
}

// The component of sub-pipeline step `step` in `outer`: its pipeline's DAG, params as inputs. A
// param that gets the final status is declared as the KFP compiler declares a pipeline's
// PipelineTaskFinalStatus input (test_data/pipelines/pipeline_as_exit_task.yaml): optional,
// TASK_FINAL_STATUS where the exit task receives it, and a STRUCT value inside.
std::string AddSubPipelineComponent(KfpBuilder& builder, const KfpScope& outer, const Step& step) {
  const Pipeline& inner = SubPipelineOf(step);
  Dag::Build(inner);
  const std::string name = "comp-" + builder.UniqueSuffix(step.name);
  const std::map<std::string, bool> status_inputs = FinalStatusInputs(outer, step);
  KfpScope scope;
  scope.pipeline = &inner;
  scope.steps = &builder.steps;
  for (const auto& [param, from_task] : status_inputs) scope.final_status_params.insert(param);
  YamlValue component;
  component["dag"]["tasks"] = KfpDagTasks(builder, scope, PlanKfpGroups(builder, inner));
  for (const Param& param : inner.params) {
    YamlValue definition;
    if (auto status = status_inputs.find(param.name); status != status_inputs.end()) {
      definition["isOptional"] = BoolScalar(true);
      definition["parameterType"] = status->second ? "TASK_FINAL_STATUS" : "STRUCT";
    } else {
      if (param.default_value) {
        definition["defaultValue"] = KfpConstant(*param.default_value, param.type);
        definition["isOptional"] = BoolScalar(true);
      }
      definition["parameterType"] = KfpParamType(param.type);
    }
    component["inputDefinitions"]["parameters"][param.name] = std::move(definition);
  }
  std::vector<KfpNamedOutput> outputs;
  for (const auto& [output, value] : inner.outputs) {
    const Ref* ref = value.SoleRef();
    if (!ref || ref->kind != Ref::Kind::kStepOutput)
      throw Error(inner.location,
                  fmt::format("pipeline '{}': KFP pipeline output '{}' must be one step output",
                              inner.name, output));
    outputs.emplace_back(output, *ref);
  }
  ExposeKfpOutputs(scope, outputs, false, component);
  // Claims are created by the root DAG; their names come in as inputs.
  std::vector<Ref> claims;
  AppendClaimRefs(inner, claims);
  for (const Ref& claim : claims)
    component["inputDefinitions"]["parameters"][ChannelName(scope, claim)]["parameterType"] =
        "STRING";
  builder.components.Append(name, std::move(component));
  return name;
}

YamlValue SubPipelineTaskInputs(const KfpScope& scope, const Step& step) {
  YamlValue node;
  for (const Input& input : step.inputs) {
    const Param* param = step.pipeline->FindParam(input.name);
    const ParamType type = param ? param->type : ParamType::kString;
    if (input.value.IsLiteral()) {
      node["parameters"][input.name]["runtimeValue"]["constant"] =
          KfpConstant(input.value.Literal(), type);
      continue;
    }
    const Ref* ref = input.value.SoleRef();
    if (!ref || IsKfpArtifact(scope, *ref))
      throw Error(input.location,
                  fmt::format("sub-pipeline step '{}': KFP passes input '{}' only as a literal or "
                              "one parameter value",
                              step.name, input.name));
    node["parameters"][input.name] = ref->kind == Ref::Kind::kWorkflowStatus
                                         ? KfpFinalStatusSource(scope, step)
                                         : KfpSource(scope, *ref);
  }
  std::vector<Ref> claims;
  AppendClaimRefs(*step.pipeline, claims);
  for (const Ref& claim : claims)
    node["parameters"][ChannelName(scope, claim)] = KfpSource(scope, claim);
  return node;
}

std::string AddLayer(KfpBuilder& builder, const KfpScope& scope, const Step& step,
                     const std::vector<std::string>& groups, std::size_t layer, YamlValue& tasks,
                     const std::vector<std::string>& dependent_tasks) {
  if (layer == groups.size()) {
    AddKfpLeafTask(builder, scope, step, dependent_tasks, tasks);
    return step.name;
  }
  const std::string& group = groups[layer];
  const bool loop = group.rfind(kForLoop, 0) == 0;
  KfpScope inner;
  inner.pipeline = scope.pipeline;
  inner.steps = scope.steps;
  inner.in_group = true;
  inner.item_channel = scope.item_channel;
  inner.item_type = scope.item_type;
  inner.final_status_params = scope.final_status_params;

  YamlValue component, task;
  task["componentRef"]["name"] = "comp-" + group;
  if (!dependent_tasks.empty()) task["dependentTasks"] = StringList(dependent_tasks);
  std::vector<Ref> refs;
  for (const Ref& ref : KfpExternalRefs(*scope.pipeline, *builder.root, step))
    if (!(loop && ref.kind == Ref::Kind::kLoopItem)) refs.push_back(ref);
  AddKfpGroupInputs(scope, refs, component, task);
  if (loop) {
    const Loop& items = *step.loop;
    if (items.items_ref) {
      inner.item_channel = ChannelName(scope, *items.items_ref) + "-loop-item";
      inner.item_type = "STRING";
      task["parameterIterator"]["items"]["inputParameter"] = ChannelName(scope, *items.items_ref);
    } else {
      inner.item_channel =
          "pipelinechannel--loop-item-param-" + group.substr(std::string(kForLoop).size());
      inner.item_type = ItemType(items);
      task["parameterIterator"]["items"]["raw"] = RawItems(items);
    }
    task["parameterIterator"]["itemInput"] = inner.item_channel;
    component["inputDefinitions"]["parameters"][inner.item_channel]["parameterType"] =
        inner.item_type;
    if (items.parallelism > 0)
      task["iteratorPolicy"]["parallelismLimit"] = IntScalar(items.parallelism);
  } else {
    task["triggerPolicy"]["condition"] = KfpCondition(scope, *step.when, step);
  }
  task["taskInfo"]["name"] = group;

  YamlValue inner_tasks = YamlValue::EmptyMap();
  const std::string inner_task = AddLayer(builder, inner, step, groups, layer + 1, inner_tasks, {});
  inner.tasks[step.name] = inner_task;
  if (layer + 1 < groups.size()) inner.wrapped.insert(step.name);
  component["dag"]["tasks"] = std::move(inner_tasks);
  ExposeKfpOutputs(inner, ChannelOutputs(scope, OutputRefs(step)), loop, component);
  builder.components.Append("comp-" + group, std::move(component));
  tasks.Append(group, std::move(task));
  return group;
}

}  // namespace

std::vector<Ref> KfpExternalRefs(const Pipeline& scope_pipeline, const Pipeline& root,
                                 const Step& step) {
  std::vector<Ref> refs;
  for (Ref ref : StepRefs(step)) {
    if (ref.kind == Ref::Kind::kLoopItem) ref.name.clear();
    if (ref.kind == Ref::Kind::kParam || ref.kind == Ref::Kind::kStepOutput ||
        ref.kind == Ref::Kind::kLoopItem)
      AppendUnique(refs, ref);
  }
  for (const Mount& mount : step.mounts) {
    const Volume* volume = scope_pipeline.FindVolume(mount.volume);
    if (!volume) volume = root.FindVolume(mount.volume);
    if (volume && volume->kind == Volume::Kind::kNewClaim)
      AppendUnique(refs, CreatePvcRef(volume->name));
  }
  if (step.kind == Step::Kind::kPipeline && step.pipeline) AppendClaimRefs(*step.pipeline, refs);
  return refs;
}

std::vector<std::string> KfpDependentTasks(const KfpScope& scope, const Step& step) {
  std::vector<std::string> names = DataDependencies(step);
  names.insert(names.end(), step.after.begin(), step.after.end());
  for (const Mount& mount : step.mounts) names.push_back(CreatePvcTask(mount.volume));
  if (step.kind == Step::Kind::kPipeline && step.pipeline) {
    std::vector<Ref> claims;
    AppendClaimRefs(*step.pipeline, claims);
    for (const Ref& claim : claims) names.push_back(claim.step);
  }
  std::vector<std::string> tasks;
  for (const std::string& name : names) {
    auto found = scope.tasks.find(name);
    if (found != scope.tasks.end()) tasks.push_back(found->second);
  }
  std::sort(tasks.begin(), tasks.end());
  tasks.erase(std::unique(tasks.begin(), tasks.end()), tasks.end());
  return tasks;
}

void AddKfpGroupInputs(const KfpScope& parent, const std::vector<Ref>& refs, YamlValue& component,
                       YamlValue& task) {
  for (const Ref& ref : refs) {
    const std::string channel = ChannelName(parent, ref);
    if (IsKfpArtifact(parent, ref)) {
      component["inputDefinitions"]["artifacts"][channel]["artifactType"] =
          KfpArtifactType(ProducedKind(*parent.steps, *parent.pipeline, ref));
      task["inputs"]["artifacts"][channel] = KfpSource(parent, ref);
    } else {
      component["inputDefinitions"]["parameters"][channel]["parameterType"] =
          KfpParameterType(parent, ref);
      task["inputs"]["parameters"][channel] = KfpSource(parent, ref);
    }
  }
}

std::vector<KfpNamedOutput> ChannelOutputs(const KfpScope& scope, const std::vector<Ref>& refs) {
  std::vector<KfpNamedOutput> outputs;
  for (const Ref& ref : refs) outputs.emplace_back(ChannelName(scope, ref), ref);
  return outputs;
}

void ExposeKfpOutputs(const KfpScope& inner, const std::vector<KfpNamedOutput>& outputs,
                      bool collected, YamlValue& component) {
  for (const auto& [name, ref] : outputs) {
    const std::string key = inner.wrapped.count(ref.step) ? ChannelName(inner, ref) : ref.name;
    const std::string producer = inner.tasks.at(ref.step);
    if (IsKfpArtifact(inner, ref)) {
      YamlValue selector;
      selector["outputArtifactKey"] = key;
      selector["producerSubtask"] = producer;
      component["dag"]["outputs"]["artifacts"][name]["artifactSelectors"].PushBack(
          std::move(selector));
      YamlValue definition;
      definition["artifactType"] =
          KfpArtifactType(ProducedKind(*inner.steps, *inner.pipeline, ref));
      if (collected) definition["isArtifactList"] = BoolScalar(true);
      component["outputDefinitions"]["artifacts"][name] = std::move(definition);
    } else {
      YamlValue from;
      from["outputParameterKey"] = key;
      from["producerSubtask"] = producer;
      component["dag"]["outputs"]["parameters"][name]["valueFromParameter"] = std::move(from);
      component["outputDefinitions"]["parameters"][name]["parameterType"] =
          collected ? "LIST" : KfpParameterType(inner, ref);
    }
  }
}

void AddKfpLeafTask(KfpBuilder& builder, const KfpScope& scope, const Step& step,
                    const std::vector<std::string>& dependent_tasks, YamlValue& tasks) {
  const bool sub_pipeline = step.kind == Step::Kind::kPipeline;
  YamlValue task;
  task["cachingOptions"]["enableCache"] = BoolScalar(step.cache);
  KfpLeafComponent leaf;
  if (sub_pipeline)
    leaf.name = AddSubPipelineComponent(builder, scope, step);
  else
    leaf = AddKfpLeafComponent(builder, scope, step);
  task["componentRef"]["name"] = leaf.name;
  if (!dependent_tasks.empty()) task["dependentTasks"] = StringList(dependent_tasks);
  YamlValue inputs = sub_pipeline ? SubPipelineTaskInputs(scope, step)
                                  : KfpLeafTaskInputs(scope, step, leaf.inputs);
  if (inputs.size() > 0) task["inputs"] = std::move(inputs);
  if (std::optional<Retry> retry = EffectiveRetry(step, *scope.pipeline))
    task["retryPolicy"] = RetryPolicy(*retry, step);
  task["taskInfo"]["name"] = step.name;
  tasks.Append(step.name, std::move(task));
}

std::map<std::string, std::vector<std::string>> PlanKfpGroups(KfpBuilder& builder,
                                                              const Pipeline& pipeline) {
  std::map<std::string, std::vector<std::string>> groups;
  for (const Step& step : pipeline.steps) {
    std::vector<std::string>& names = groups[step.name];
    if (step.loop) names.push_back(kForLoop + std::to_string(++builder.group_counter));
    if (step.when) names.push_back(kCondition + std::to_string(++builder.group_counter));
    for (const std::string& name : names) builder.used_suffixes.insert(name);
  }
  return groups;
}

void AddKfpStepTask(KfpBuilder& builder, const KfpScope& scope, const Step& step,
                    const std::map<std::string, std::vector<std::string>>& groups,
                    YamlValue& tasks) {
  AddLayer(builder, scope, step, groups.at(step.name), 0, tasks, KfpDependentTasks(scope, step));
}

YamlValue KfpDagTasks(KfpBuilder& builder, KfpScope& scope,
                      const std::map<std::string, std::vector<std::string>>& groups) {
  for (const Step& step : scope.pipeline->steps) {
    const std::vector<std::string>& names = groups.at(step.name);
    scope.tasks[step.name] = names.empty() ? step.name : names.front();
    if (!names.empty()) scope.wrapped.insert(step.name);
  }
  YamlValue tasks = YamlValue::EmptyMap();
  for (const Step& step : scope.pipeline->steps)
    AddKfpStepTask(builder, scope, step, groups, tasks);
  return tasks;
}

}  // namespace ctp::emit
