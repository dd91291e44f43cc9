// EmitKfp: the PipelineSpec (root DAG, exit handler group, createpvc tasks, header) and the
// kubernetes platform document.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "ctp/model/dag.h"
#include "ctp/model/diagnostic.h"
#include "kfp.h"
#include "yaml_writer.h"

namespace ctp {
namespace {

using emit::KfpBuilder;
using emit::KfpScope;
using emit::YamlValue;

constexpr const char* kSchemaVersion = "2.1.0";
constexpr const char* kSdkVersion = "ctp-0.1.0";
constexpr const char* kCreatePvcImage = "argostub/createpvc";
constexpr const char* kDeletePvcImage = "argostub/deletepvc";

YamlValue Constant(YamlValue value) {
  YamlValue node;
  node["runtimeValue"]["constant"] = std::move(value);
  return node;
}

// A `createpvc-VOLUME` task (like kfp-kubernetes' CreatePVC) for every claim created per run.
void AddCreatePvcTasks(KfpBuilder& builder, const Pipeline& pipeline, KfpScope& root,
                       YamlValue& tasks) {
  for (const Volume* claim : emit::WorkflowVolumes(pipeline)) {
    const Volume& volume = *claim;
    if (volume.kind != Volume::Kind::kNewClaim) continue;
    const std::string name = emit::CreatePvcTask(volume.name);
    const std::string suffix = builder.UniqueSuffix(name);
    YamlValue component;
    component["executorLabel"] = "exec-" + suffix;
    YamlValue parameters;
    parameters["access_modes"]["parameterType"] = "LIST";
    parameters["pvc_name_suffix"]["isOptional"] = emit::BoolScalar(true);
    parameters["pvc_name_suffix"]["parameterType"] = "STRING";
    parameters["size"]["parameterType"] = "STRING";
    parameters["storage_class_name"]["isOptional"] = emit::BoolScalar(true);
    parameters["storage_class_name"]["parameterType"] = "STRING";
    component["inputDefinitions"]["parameters"] = std::move(parameters);
    component["outputDefinitions"]["parameters"]["name"]["parameterType"] = "STRING";
    builder.components.Append("comp-" + suffix, std::move(component));
    YamlValue executor;
    executor["container"]["image"] = kCreatePvcImage;
    builder.executors.Append("exec-" + suffix, std::move(executor));

    YamlValue task;
    task["cachingOptions"]["enableCache"] = emit::BoolScalar(true);
    task["componentRef"]["name"] = "comp-" + suffix;
    YamlValue inputs;
    inputs["access_modes"] = Constant(
        emit::StringList(volume.access_modes.empty() ? std::vector<std::string>{"ReadWriteOnce"}
                                                       : volume.access_modes));
    inputs["pvc_name_suffix"] = Constant(YamlValue("-" + volume.name));
    inputs["size"] = Constant(YamlValue(volume.size));
    if (!volume.storage_class.empty())
      inputs["storage_class_name"] = Constant(YamlValue(volume.storage_class));
    task["inputs"]["parameters"] = std::move(inputs);
    task["taskInfo"]["name"] = name;
    tasks.Append(name, std::move(task));
    root.tasks[name] = name;
  }
}

// True when `step` or a step of its sub-pipelines mounts volume `name`.
bool Mounts(const Step& step, const std::string& name) {
  for (const Mount& mount : step.mounts)
    if (mount.volume == name) return true;
  if (step.kind == Step::Kind::kPipeline && step.pipeline)
    for (const Step& inner : step.pipeline->steps)
      if (Mounts(inner, name)) return true;
  return false;
}

// The steps that mount volume `name` and are not followed (directly or through other steps) by
// another step that mounts it: when they are done, no step uses the claim any more.
std::vector<std::string> LastMounters(const Pipeline& pipeline, const Dag& dag,
                                      const std::string& name) {
  std::map<std::string, std::vector<std::string>> downstream;
  for (const DagEdge& edge : dag.Edges()) downstream[edge.from].push_back(edge.to);
  std::set<std::string> mounting, followed;  // followed: a later step mounts it
  for (const Step& step : pipeline.steps)
    if (Mounts(step, name)) mounting.insert(step.name);
  const std::vector<std::string>& order = dag.TopologicalOrder();
  for (auto step = order.rbegin(); step != order.rend(); ++step)
    for (const std::string& next : downstream[*step])
      if (mounting.count(next) || followed.count(next)) followed.insert(*step);
  std::vector<std::string> last;
  for (const Step& step : pipeline.steps)
    if (mounting.count(step.name) && !followed.count(step.name)) last.push_back(step.name);
  return last;
}

// A `deletepvc-VOLUME` task (like kfp-kubernetes' DeletePVC) for every claim created per run,
// after the last tasks that mount it: KFP, unlike Argo, does not delete the claims it creates.
void AddDeletePvcTasks(KfpBuilder& builder, const Pipeline& pipeline, const Dag& dag,
                       const KfpScope& root, YamlValue& tasks) {
  for (const Volume* volume : emit::WorkflowVolumes(pipeline)) {
    if (volume->kind != Volume::Kind::kNewClaim) continue;
    const std::string create = emit::CreatePvcTask(volume->name);
    const std::string name = "deletepvc-" + volume->name;
    const std::string suffix = builder.UniqueSuffix(name);
    YamlValue component;
    component["executorLabel"] = "exec-" + suffix;
    component["inputDefinitions"]["parameters"]["pvc_name"]["parameterType"] = "STRING";
    builder.components.Append("comp-" + suffix, std::move(component));
    YamlValue executor;
    executor["container"]["image"] = kDeletePvcImage;
    builder.executors.Append("exec-" + suffix, std::move(executor));

    std::vector<std::string> dependencies = {create};
    for (const std::string& step : LastMounters(pipeline, dag, volume->name))
      dependencies.push_back(root.tasks.at(step));
    if (pipeline.on_exit && Mounts(*pipeline.on_exit, volume->name))
      dependencies.push_back(pipeline.on_exit->name);
    std::sort(dependencies.begin(), dependencies.end());
    dependencies.erase(std::unique(dependencies.begin(), dependencies.end()), dependencies.end());
    YamlValue task;
    task["cachingOptions"]["enableCache"] = emit::BoolScalar(true);
    task["componentRef"]["name"] = "comp-" + suffix;
    task["dependentTasks"] = emit::StringList(dependencies);
    task["inputs"]["parameters"]["pvc_name"] =
        emit::KfpSource(root, emit::CreatePvcRef(volume->name));
    task["taskInfo"]["name"] = name;
    tasks.Append(name, std::move(task));
  }
}

// Every step runs inside `exit-handler-N`; the exit task runs after it whatever its outcome.
void AddExitHandler(KfpBuilder& builder, const Pipeline& pipeline, KfpScope& root,
                    YamlValue& tasks) {
  const std::string group = "exit-handler-" + std::to_string(++builder.group_counter);
  builder.used_suffixes.insert(group);
  KfpScope inner;
  inner.pipeline = &pipeline;
  inner.steps = &builder.steps;
  inner.in_group = true;
  YamlValue component, task;
  component["dag"]["tasks"] =
      emit::KfpDagTasks(builder, inner, emit::PlanKfpGroups(builder, pipeline));
  task["componentRef"]["name"] = "comp-" + group;

  std::vector<Ref> refs;
  std::vector<std::string> dependent_tasks;
  for (const Step& step : pipeline.steps) {
    for (const Ref& ref : emit::KfpExternalRefs(pipeline, pipeline, step)) {
      if (ref.kind == Ref::Kind::kLoopItem || inner.tasks.count(ref.step)) continue;
      if (std::find(refs.begin(), refs.end(), ref) == refs.end()) refs.push_back(ref);
    }
    for (const std::string& name : emit::KfpDependentTasks(root, step))
      if (std::find(dependent_tasks.begin(), dependent_tasks.end(), name) == dependent_tasks.end())
        dependent_tasks.push_back(name);
  }
  std::sort(dependent_tasks.begin(), dependent_tasks.end());
  if (!dependent_tasks.empty()) task["dependentTasks"] = emit::StringList(dependent_tasks);
  emit::AddKfpGroupInputs(root, refs, component, task);
  task["taskInfo"]["name"] = group;

  std::vector<Ref> exposed;
  for (const Ref& ref : ContainerRefs(*pipeline.on_exit))
    if (ref.kind == Ref::Kind::kStepOutput &&
        std::find(exposed.begin(), exposed.end(), ref) == exposed.end())
      exposed.push_back(ref);
  emit::ExposeKfpOutputs(inner, emit::ChannelOutputs(root, exposed), false, component);
  builder.components.Append("comp-" + group, std::move(component));
  tasks.Append(group, std::move(task));

  for (const Step& step : pipeline.steps) {
    root.tasks[step.name] = group;
    root.wrapped.insert(step.name);
  }
  emit::RefuseLoopingExitHandler(*pipeline.on_exit);
  if (pipeline.on_exit->when)
    throw Error(pipeline.on_exit->location,
                fmt::format("the exit handler '{}' has a condition: KFP runs its exit task "
                            "whatever the condition (dsl.ExitHandler takes none), so it would "
                            "run where ctp run and Argo skip it (decide inside the step)",
                            pipeline.on_exit->name));
  KfpScope exit_scope = root;
  exit_scope.final_status_producer = group;
  std::vector<std::string> exit_dependencies = emit::KfpDependentTasks(root, *pipeline.on_exit);
  if (std::find(exit_dependencies.begin(), exit_dependencies.end(), group) ==
      exit_dependencies.end())
    exit_dependencies.push_back(group);
  std::sort(exit_dependencies.begin(), exit_dependencies.end());
  emit::AddKfpLeafTask(builder, exit_scope, *pipeline.on_exit, exit_dependencies, tasks);
  tasks[pipeline.on_exit->name]["triggerPolicy"]["strategy"] = "ALL_UPSTREAM_TASKS_COMPLETED";
}

YamlValue RootInputDefinitions(const Pipeline& pipeline) {
  YamlValue parameters = YamlValue::EmptyMap();
  for (const Param& param : pipeline.params) {
    YamlValue definition;
    if (param.default_value) {
      definition["defaultValue"] = emit::KfpConstant(*param.default_value, param.type);
      definition["isOptional"] = emit::BoolScalar(true);
    }
    if (!param.doc.empty()) definition["description"] = param.doc;
    definition["parameterType"] = emit::KfpParamType(param.type);
    parameters[param.name] = std::move(definition);
  }
  return parameters;
}

// The comment the KFP compiler writes above the spec.
std::string Header(const Pipeline& pipeline) {
  std::string text = "# PIPELINE DEFINITION\n# Name: " + pipeline.name + "\n";
  if (!pipeline.description.empty()) text += "# Description: " + pipeline.description + "\n";
  if (!pipeline.params.empty()) text += "# Inputs:\n";
  for (const Param& param : pipeline.params) {
    text += fmt::format("#    {}: {}", param.name, emit::KfpHeaderType(param.type));
    if (param.default_value)
      text += param.type == ParamType::kString
                  ? fmt::format(" [Default: '{}']", *param.default_value)
                  : fmt::format(" [Default: {}]", *param.default_value);
    text += "\n";
  }
  return text;
}

// The spec and its platform document. With `planning`, records in `reuse` which leaf steps can
// share a component (the documents are then not the output); else writes them with it.
std::vector<YamlValue> SpecDocuments(const Pipeline& pipeline, const EmitOptions& options,
                                     emit::TemplateReuse& reuse, bool planning) {
  const Dag dag = Dag::Build(pipeline);
  KfpBuilder builder;
  builder.root = &pipeline;
  builder.options = &options;
  builder.reuse = &reuse;
  builder.planning = planning;
  KfpScope root;
  root.pipeline = &pipeline;
  root.steps = &builder.steps;
  YamlValue tasks = YamlValue::EmptyMap();
  AddCreatePvcTasks(builder, pipeline, root, tasks);
  if (pipeline.on_exit) {
    AddExitHandler(builder, pipeline, root, tasks);
  } else {
    tasks.AppendEntries(
        emit::KfpDagTasks(builder, root, emit::PlanKfpGroups(builder, pipeline)));
  }
  AddDeletePvcTasks(builder, pipeline, dag, root, tasks);

  YamlValue spec;
  spec["components"] = std::move(builder.components);
  spec["deploymentSpec"]["executors"] = std::move(builder.executors);
  spec["pipelineInfo"]["name"] = pipeline.name;
  if (!pipeline.description.empty()) spec["pipelineInfo"]["description"] = pipeline.description;
  spec["root"]["dag"]["tasks"] = std::move(tasks);
  if (!pipeline.params.empty())
    spec["root"]["inputDefinitions"]["parameters"] = RootInputDefinitions(pipeline);
  spec["schemaVersion"] = kSchemaVersion;
  spec["sdkVersion"] = kSdkVersion;
  std::vector<YamlValue> documents;
  documents.push_back(std::move(spec));
  if (builder.platform_executors.size() > 0) {
    YamlValue platform;
    platform["platforms"]["kubernetes"]["deploymentSpec"]["executors"] =
        std::move(builder.platform_executors);
    documents.push_back(std::move(platform));
  }
  return documents;
}

}  // namespace

std::string EmitKfp(const Pipeline& pipeline, const EmitOptions& options) {
  emit::TemplateReuse reuse;
  SpecDocuments(pipeline, options, reuse, true);
  return Header(pipeline) +
         emit::WriteYamlDocuments(SpecDocuments(pipeline, options, reuse, false), true);
}

EmittedResource EmitKfpResource(const Pipeline& pipeline, const EmitOptions& options) {
  return {"pipeline-" + pipeline.name + ".yaml", EmitKfp(pipeline, options)};
}

}  // namespace ctp
