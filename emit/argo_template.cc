// Argo container and script templates: one per container, script, native or Lua step, and the
// exit handler's.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "argo.h"
#include "ctp/model/diagnostic.h"
#include "yaml_writer.h"

namespace ctp::emit {
namespace {

// How a reference reads inside the step's own template: through its inputs.
std::string InTemplate(const ArgoScope& scope, const Step& step,
                       const std::vector<StepInput>& inputs, const Ref& ref) {
  switch (ref.kind) {
    case Ref::Kind::kStepOutput:
      if (ProducedKind(*scope.steps, *scope.pipeline, ref) != ValueKind::kParameter)
        return FindStepInput(inputs, ref)->path;
      [[fallthrough]];
    case Ref::Kind::kParam:
    case Ref::Kind::kLoopItem:
      return "{{inputs.parameters." + FindStepInput(inputs, ref)->name + "}}";
    case Ref::Kind::kOutputPath:
      if (const Output* output = FindOutput(step, ref.name)) return ClusterOutputPath(*output);
      throw Error(step.location,
                  fmt::format("step '{}' writes to undeclared output '{}'", step.name, ref.name));
    case Ref::Kind::kWorkflowStatus:
    case Ref::Kind::kWorkflowName:
      return ArgoExpression(scope, ref, ArgoSite::kTask);
  }
  return {};
}

std::string Text(const ArgoScope& scope, const Step& step, const std::vector<StepInput>& inputs,
                 const Template& value) {
  std::string text;
  for (const Template::Part& part : value.parts)
    text += part.ref ? InTemplate(scope, step, inputs, *part.ref) : part.text;
  return text;
}

YamlValue TextList(const ArgoScope& scope, const Step& step, const std::vector<StepInput>& inputs,
                   const std::vector<Template>& values) {
  YamlValue list = YamlValue::EmptySequence();
  for (const Template& value : values) list.PushBack(Text(scope, step, inputs, value));
  return list;
}

YamlValue Inputs(const ArgoScope& scope, const Step& step, const std::vector<StepInput>& inputs,
                 ArgoSite site) {
  YamlValue node;
  for (const StepInput& input : inputs) {
    const bool artifact =
        input.ref.kind == Ref::Kind::kStepOutput &&
        ProducedKind(*scope.steps, *scope.pipeline, input.ref) != ValueKind::kParameter;
    YamlValue entry;
    entry["name"] = input.name;
    if (artifact) entry["path"] = input.path;
    if (site == ArgoSite::kExitHandler)
      entry[artifact ? "from" : "value"] = ArgoExpression(scope, input.ref, site);
    node[artifact ? "artifacts" : "parameters"].PushBack(std::move(entry));
  }
  return node;
}

YamlValue Outputs(const ArgoScope& scope, const Step& step) {
  YamlValue node;
  for (const Output& output : step.outputs) {
    if (output.from_stdout) continue;  // Argo's outputs.result, captured without a declaration
    YamlValue entry;
    entry["name"] = output.name;
    const bool artifact = output.kind != ValueKind::kParameter;
    if (artifact)
      entry["path"] = ClusterOutputPath(output);
    else
      entry["valueFrom"]["path"] = ClusterOutputPath(output);
    if (scope.global_outputs.count({step.name, output.name}))
      entry["globalName"] = step.name + "-" + output.name;
    node[artifact ? "artifacts" : "parameters"].PushBack(std::move(entry));
  }
  return node;
}

YamlValue Env(const ArgoScope& scope, const Step& step, const std::vector<StepInput>& inputs) {
  YamlValue list = YamlValue::EmptySequence();
  for (const EnvVar& var : step.env) {
    YamlValue entry;
    entry["name"] = var.name;
    if (var.secret) {
      entry["valueFrom"]["secretKeyRef"]["name"] = var.secret->secret;
      entry["valueFrom"]["secretKeyRef"]["key"] = var.secret->key;
    } else if (var.vault) {
      entry["value"] = var.vault->path.empty()
                           ? "<" + var.vault->key + ">"
                           : "<path:" + var.vault->path + "#" + var.vault->key + ">";
    } else {
      entry["value"] = Text(scope, step, inputs, var.value);
    }
    list.PushBack(std::move(entry));
  }
  return list;
}

YamlValue ResourceRequirements(const Resources& resources) {
  YamlValue node;
  auto set = [&](const char* group, const std::string& key, const std::string& value) {
    if (!value.empty()) node[group][key] = value;
  };
  set("requests", "cpu", resources.cpu_request);
  set("requests", "memory", resources.memory_request);
  set("limits", "cpu", resources.cpu_limit);
  set("limits", "memory", resources.memory_limit);
  if (resources.gpu_count > 0)
    set("limits", resources.gpu_resource, std::to_string(resources.gpu_count));
  return node;
}

YamlValue VolumeMounts(const Step& step) {
  YamlValue list = YamlValue::EmptySequence();
  for (const Mount& mount : step.mounts) {
    YamlValue entry;
    entry["name"] = mount.volume;
    entry["mountPath"] = mount.path;
    if (mount.read_only) entry["readOnly"] = BoolScalar(true);
    if (!mount.sub_path.empty()) entry["subPath"] = mount.sub_path;
    list.PushBack(std::move(entry));
  }
  return list;
}

YamlValue Container(const Step& step, const ArgoScope& scope, const TemplateShape& shape) {
  const ClusterContainer& cluster = shape.container;
  const std::vector<StepInput>& inputs = shape.inputs;
  YamlValue node;
  node["image"] = cluster.image;
  if (!step.image_pull_policy.empty()) node["imagePullPolicy"] = step.image_pull_policy;
  if (!cluster.command.empty()) node["command"] = TextList(scope, step, inputs, cluster.command);
  if (!cluster.args.empty()) node["args"] = TextList(scope, step, inputs, cluster.args);
  if (!step.working_dir.empty()) node["workingDir"] = step.working_dir;
  if (!step.env.empty()) node["env"] = Env(scope, step, inputs);
  YamlValue resources = ResourceRequirements(step.resources);
  if (resources.size() > 0) node["resources"] = std::move(resources);
  if (!step.mounts.empty()) node["volumeMounts"] = VolumeMounts(step);
  return node;
}

YamlValue Tolerations(const std::vector<Toleration>& tolerations) {
  YamlValue list = YamlValue::EmptySequence();
  for (const Toleration& t : tolerations) {
    YamlValue entry;
    if (!t.key.empty()) entry["key"] = t.key;
    entry["operator"] = t.op;
    if (!t.value.empty()) entry["value"] = t.value;
    if (!t.effect.empty()) entry["effect"] = t.effect;
    if (t.toleration_seconds) entry["tolerationSeconds"] = IntScalar(*t.toleration_seconds);
    list.PushBack(std::move(entry));
  }
  return list;
}

// Backoff factor as an IntOrString; Argo reads it as a whole number (intstr.Int32), so a
// fraction, which ctp run and KFP take, is refused.
std::string Factor(double factor, const Step& step) {
  if (factor != std::floor(factor))
    throw Error(step.location,
                fmt::format("step '{}': Argo's retry backoff factor is a whole number, not {} "
                            "(ctp run and KFP take fractions; Argo would fail the retry)",
                            step.name, factor));
  return std::to_string(static_cast<int64_t>(factor));
}

YamlValue RetryStrategy(const Retry& retry, const Step& step, int argo_major_version) {
  YamlValue node;
  node["limit"] = std::to_string(retry.limit);
  if (retry.policy) node["retryPolicy"] = *retry.policy;  // unset: Argo's default, OnFailure
  if (retry.backoff.count() > 0) {
    node["backoff"]["duration"] = DurationText(retry.backoff);
    node["backoff"]["factor"] = Factor(retry.backoff_factor, step);
    if (retry.backoff_max.count() > 0) {
      // `max_backoff` caps each delay: Argo 4's `cap`. Argo 3 has only maxDuration, a limit on
      // the whole time spent retrying, which would stop retries ctp run makes.
      if (argo_major_version < 4)
        throw Error(step.location,
                    fmt::format("step '{}': Argo 3 cannot cap a retry's delay (max_backoff; "
                                "its maxDuration, ctp's max_duration, limits the whole retrying "
                                "time instead): emit for Argo 4 or leave max_backoff out",
                                step.name));
      node["backoff"]["cap"] = DurationText(retry.backoff_max);
    }
    if (retry.max_duration.count() > 0)
      node["backoff"]["maxDuration"] = DurationText(retry.max_duration);
  }
  return node;
}

YamlValue ContainerTemplate(const ArgoScope& scope, const Step& step, ArgoSite site,
                            const TemplateShape& shape, const std::string& name) {
  const std::vector<StepInput>& inputs = shape.inputs;
  YamlValue node;
  node["name"] = name;
  YamlValue in = Inputs(scope, step, inputs, site);
  if (in.size() > 0) node["inputs"] = std::move(in);
  YamlValue out = Outputs(scope, step);
  if (out.size() > 0) node["outputs"] = std::move(out);
  if (!step.resources.node_selector.empty())
    for (const auto& [key, value] : step.resources.node_selector) node["nodeSelector"][key] = value;
  if (!step.resources.tolerations.empty())
    node["tolerations"] = Tolerations(step.resources.tolerations);
  if (std::optional<Retry> retry = EffectiveRetry(step, *scope.pipeline))
    node["retryStrategy"] = RetryStrategy(*retry, step, scope.options->argo_major_version);
  if (step.timeout_seconds) node["activeDeadlineSeconds"] = std::to_string(*step.timeout_seconds);
  if (step.IsScript()) {
    // Argo writes the source to a file and runs the command with its path appended.
    YamlValue script = Container(step, scope, shape);
    script["source"] = Text(scope, step, inputs, step.source);
    node["script"] = std::move(script);
  } else {
    node["container"] = Container(step, scope, shape);
  }
  return node;
}

ClusterContainer ContainerOf(const ArgoScope& scope, const Step& step) {
  return ClusterContainerOf(step, *scope.pipeline, *scope.root, *scope.options);
}

TemplateShape SharedShapeOf(const ArgoScope& scope, const Step& step) {
  LiftedStep lifted = LiftArguments(step);
  ClusterContainer container = ContainerOf(scope, lifted.step);
  return SharedShape(lifted, std::move(container));
}

}  // namespace

ArgoTemplatePlan PlanArgoTemplates(const ArgoScope& scope) {
  ArgoTemplatePlan plan;
  std::set<std::string> taken;
  for (const Step& step : scope.pipeline->steps) {
    for (const char* suffix : {"-loop", "-when"}) taken.insert(scope.prefix + step.name + suffix);
    if (step.kind == Step::Kind::kPipeline) continue;
    plan.reuse.Record(step, WriteYaml(ContainerTemplate(scope, step, ArgoSite::kTask,
                                                        SharedShapeOf(scope, step), "")));
  }
  // A step's own template (and a sub-pipeline's DAG) takes the step's name. A shared template
  // takes no name of a step outside its group either (task `step-3` running a template `step-3`
  // that other steps share misleads), nor a name under a sub-pipeline step's prefix (its inner
  // templates are `STEP-INNER`).
  std::map<std::string, std::size_t> grouped_steps;  // a grouped step's name -> its group
  std::vector<std::string> inner_prefixes;
  for (const Step& step : scope.pipeline->steps) {
    if (std::optional<std::size_t> group = plan.reuse.GroupOf(step))
      grouped_steps[scope.prefix + step.name] = *group;
    else
      taken.insert(scope.prefix + step.name);
    if (step.kind == Step::Kind::kPipeline) inner_prefixes.push_back(scope.prefix + step.name + "-");
  }
  if (scope.top_level) {
    taken.insert(scope.root->name);
    taken.insert(scope.root->name + "-dag");
    if (scope.root->on_exit)
      for (const char* suffix : {"", "-when"}) taken.insert(scope.root->on_exit->name + suffix);
  }
  auto is_taken = [&](const std::string& name, std::size_t group) {
    if (taken.count(name)) return true;
    if (auto step = grouped_steps.find(name); step != grouped_steps.end() && step->second != group)
      return true;
    for (const std::string& prefix : inner_prefixes)
      if (name.starts_with(prefix)) return true;
    return false;
  };
  for (std::size_t group : plan.reuse.Groups()) {
    const std::string definition = plan.reuse.DefinitionName(group);
    const std::string base = scope.prefix + definition;
    // `base-shared`, `base-shared-2`, ...; when a sub-pipeline step's prefix covers those too
    // (a sub-pipeline step named like the definition), `shared1-base`, `shared2-base`, ...: each
    // step blocks at most one of them, so the search ends.
    const bool under_inner_prefix = std::any_of(
        inner_prefixes.begin(), inner_prefixes.end(),
        [&](const std::string& prefix) { return (base + "-").starts_with(prefix); });
    std::string name = base;
    for (int n = 1; is_taken(name, group); ++n)
      name = under_inner_prefix ? fmt::format("{}shared{}-{}", scope.prefix, n, definition)
             : n == 1           ? base + "-shared"
                                : fmt::format("{}-shared-{}", base, n);
    taken.insert(name);
    plan.names[group] = name;
  }
  return plan;
}

TemplateShape ArgoStepShape(const ArgoScope& scope, const Step& step) {
  if (scope.templates && scope.templates->reuse.GroupOf(step)) return SharedShapeOf(scope, step);
  return OwnShape(step, ContainerOf(scope, step));
}

std::string ArgoStepTemplateName(const ArgoScope& scope, const Step& step) {
  if (scope.templates)
    if (std::optional<std::size_t> group = scope.templates->reuse.GroupOf(step))
      return scope.templates->names.at(*group);
  return scope.prefix + step.name;
}

YamlValue ArgoStepTemplate(const ArgoScope& scope, const Step& step) {
  if (scope.templates && scope.templates->reuse.GroupOf(step) &&
      !scope.templates->reuse.FirstOfGroup(step))
    return {};
  return ContainerTemplate(scope, step, ArgoSite::kTask, ArgoStepShape(scope, step),
                           ArgoStepTemplateName(scope, step));
}

YamlValue ArgoExitTemplate(const ArgoScope& scope, const Step& step) {
  return ContainerTemplate(scope, step, ArgoSite::kExitHandler,
                           OwnShape(step, ContainerOf(scope, step)), scope.prefix + step.name);
}

}  // namespace ctp::emit
