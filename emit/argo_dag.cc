// Argo DAG templates: tasks with their arguments, dependencies, conditions and loops; loop
// wrappers that limit parallelism; sub-pipelines as nested DAG templates.
#include <fmt/format.h>

#include "argo.h"
#include "ctp/diagnostic.h"
#include "yaml_writer.h"

namespace ctp::detail {
namespace {

constexpr const char* kLoopItemsInput = "loop-items";

bool UsesLoopItem(const Template& value) {
  for (const Template::Part& part : value.parts)
    if (part.ref && part.ref->kind == Ref::Kind::kLoopItem) return true;
  return false;
}

bool UsesLoopItem(const Condition& condition) {
  if (UsesLoopItem(condition.lhs) || UsesLoopItem(condition.rhs)) return true;
  for (const Condition& operand : condition.operands)
    if (UsesLoopItem(operand)) return true;
  return false;
}

bool IsArtifactRef(const ArgoScope& scope, const Ref& ref) {
  return ref.kind == Ref::Kind::kStepOutput &&
         ProducedKind(*scope.steps, *scope.pipeline, ref) != ValueKind::kParameter;
}

void CheckNotLoopArtifact(const ArgoScope& scope, const Step& step, const Ref& ref) {
  const Step* producer = scope.steps->Find(*scope.pipeline, ref.step);
  if (producer && producer->loop)
    throw Error(
        step.location,
        fmt::format("step '{}' reads artifact '{}' of looped step '{}': Argo cannot collect "
                    "the artifacts of a loop (write them to a volume instead)",
                    step.name, ref.name, ref.step));
}

YAML::Node NamedValue(const std::string& name, const char* key, const std::string& value) {
  YAML::Node entry;
  entry["name"] = name;
  entry[key] = value;
  return entry;
}

// `arguments` of the task that runs `step`: one entry per template input.
YAML::Node Arguments(const ArgoScope& scope, const Step& step) {
  YAML::Node node;
  if (step.kind == Step::Kind::kPipeline) {
    for (const Input& input : step.inputs) {
      if (const Ref* ref = input.value.SoleRef(); ref && IsArtifactRef(scope, *ref))
        throw Error(input.location,
                    fmt::format("sub-pipeline step '{}' gets artifact '{}' of step '{}' as input "
                                "'{}': sub-pipeline inputs are parameters",
                                step.name, ref->name, ref->step, input.name));
      node["parameters"].push_back(
          NamedValue(input.name, "value", ArgoExpressionText(scope, input.value, ArgoSite::kTask)));
    }
    return node;
  }
  for (const StepInput& input : CollectStepInputs(step)) {
    const std::string value = ArgoExpression(scope, input.ref, ArgoSite::kTask);
    if (IsArtifactRef(scope, input.ref)) {
      CheckNotLoopArtifact(scope, step, input.ref);
      node["artifacts"].push_back(NamedValue(input.name, "from", value));
    } else {
      node["parameters"].push_back(NamedValue(input.name, "value", value));
    }
  }
  return node;
}

std::string Depends(const UpstreamIndex& upstream_index, const Step& step) {
  std::string depends;
  for (const std::string& upstream : upstream_index.Of(step.name))
    depends += (depends.empty() ? "" : " && ") + upstream;
  return depends;
}

void SetLoop(const ArgoScope& scope, const Step& step, const std::string& items_param,
             YAML::Node& task) {
  if (step.loop->items_ref)
    task["withParam"] = items_param.empty()
                            ? ArgoExpression(scope, *step.loop->items_ref, ArgoSite::kTask)
                            : "{{inputs.parameters." + items_param + "}}";
  else
    task["withItems"] = ArgoWithItems(*step.loop, step);
}

bool NeedsLoopWrapper(const Step& step) { return step.loop && step.loop->parallelism > 0; }

std::string LoopWrapperName(const ArgoScope& scope, const Step& step) {
  return scope.prefix + step.name + "-loop";
}

// A DAG template with `parallelism` around the looped task, so that at most N items run at once.
YAML::Node LoopWrapper(const ArgoScope& scope, const Step& step) {
  if (step.when && UsesLoopItem(*step.when))
    throw Error(step.location,
                fmt::format("step '{}': a condition on the loop item cannot be combined with loop "
                            "parallelism in Argo",
                            step.name));
  YAML::Node outer_arguments = Arguments(scope, step);
  YAML::Node inputs, inner_arguments;
  for (const char* kind : {"parameters", "artifacts"}) {
    if (!outer_arguments[kind]) continue;
    for (const YAML::Node& argument : outer_arguments[kind]) {
      const std::string name = argument["name"].Scalar();
      const bool item =
          std::string(kind) == "parameters" && argument["value"].Scalar().rfind("{{item", 0) == 0;
      if (!item) {
        YAML::Node input;
        input["name"] = name;
        inputs[kind].push_back(input);
      }
      const std::string forwarded = fmt::format("{{{{inputs.{}.{}}}}}", kind, name);
      inner_arguments[kind].push_back(
          NamedValue(name, std::string(kind) == "parameters" ? "value" : "from",
                     item ? argument["value"].Scalar() : forwarded));
    }
  }
  if (step.loop->items_ref) {
    YAML::Node input;
    input["name"] = kLoopItemsInput;
    inputs["parameters"].push_back(input);
  }
  YAML::Node task;
  task["name"] = step.name;
  task["template"] = scope.prefix + step.name;
  if (inner_arguments.size() > 0) task["arguments"] = inner_arguments;
  SetLoop(scope, step, kLoopItemsInput, task);

  YAML::Node wrapper;
  wrapper["name"] = LoopWrapperName(scope, step);
  if (inputs.size() > 0) wrapper["inputs"] = inputs;
  for (const Output& output : step.outputs) {
    if (output.kind != ValueKind::kParameter) continue;
    YAML::Node entry;
    entry["name"] = output.name;
    entry["valueFrom"]["parameter"] =
        fmt::format("{{{{tasks.{}.outputs.parameters.{}}}}}", step.name, output.name);
    wrapper["outputs"]["parameters"].push_back(entry);
  }
  wrapper["parallelism"] = IntScalar(step.loop->parallelism);
  wrapper["dag"]["tasks"].push_back(task);
  return wrapper;
}

// The DAG template of sub-pipeline step `step`, with the inner pipeline's params as inputs.
void AddSubPipelineTemplates(const ArgoScope& scope, const Step& step, YAML::Node& templates) {
  const Pipeline& inner = SubPipelineOf(step);
  ArgoScope inner_scope{
      &inner, scope.root, scope.options, scope.steps, scope.prefix + step.name + "-", false, {}};
  YAML::Node dag_template;
  dag_template["name"] = scope.prefix + step.name;
  for (const Param& param : inner.params) {
    YAML::Node entry;
    entry["name"] = param.name;
    if (param.default_value) entry["default"] = *param.default_value;
    dag_template["inputs"]["parameters"].push_back(entry);
  }
  for (const auto& [name, value] : inner.outputs) {
    const Ref* ref = value.SoleRef();
    YAML::Node entry;
    entry["name"] = name;
    const std::string expression = ArgoExpressionText(inner_scope, value, ArgoSite::kTask);
    if (ref && IsArtifactRef(inner_scope, *ref)) {
      entry["from"] = expression;
      dag_template["outputs"]["artifacts"].push_back(entry);
    } else {
      entry["valueFrom"]["parameter"] = expression;
      dag_template["outputs"]["parameters"].push_back(entry);
    }
  }
  if (inner.parallelism > 0) dag_template["parallelism"] = IntScalar(inner.parallelism);
  AddArgoDagTemplates(inner_scope, dag_template, templates);
}

}  // namespace

void AddArgoStepTemplates(const ArgoScope& scope, const Step& step, YAML::Node& templates) {
  if (NeedsLoopWrapper(step)) templates.push_back(LoopWrapper(scope, step));
  if (step.kind == Step::Kind::kPipeline)
    AddSubPipelineTemplates(scope, step, templates);
  else
    templates.push_back(ArgoStepTemplate(scope, step));
}

YAML::Node ArgoStepTask(const ArgoScope& scope, const Step& step, const UpstreamIndex& upstream) {
  YAML::Node task;
  task["name"] = step.name;
  const bool wrapped = NeedsLoopWrapper(step);
  task["template"] = wrapped ? LoopWrapperName(scope, step) : scope.prefix + step.name;
  const std::string depends = Depends(upstream, step);
  if (!depends.empty()) task["depends"] = depends;
  if (step.when) task["when"] = ArgoWhen(scope, *step.when, step);
  YAML::Node arguments = Arguments(scope, step);
  if (wrapped) {
    YAML::Node outer;
    for (const char* kind : {"parameters", "artifacts"}) {
      if (!arguments[kind]) continue;
      for (const YAML::Node& argument : arguments[kind])
        if (std::string(kind) == "artifacts" || argument["value"].Scalar().rfind("{{item", 0) != 0)
          outer[kind].push_back(argument);
    }
    if (step.loop->items_ref)
      outer["parameters"].push_back(NamedValue(
          kLoopItemsInput, "value", ArgoExpression(scope, *step.loop->items_ref, ArgoSite::kTask)));
    arguments = outer;
  }
  if (arguments.size() > 0) task["arguments"] = arguments;
  if (step.loop && !wrapped) SetLoop(scope, step, "", task);
  return task;
}

void AddArgoDagTemplates(const ArgoScope& scope, YAML::Node dag_template, YAML::Node& templates) {
  const UpstreamIndex upstream(Dag::Build(*scope.pipeline));
  YAML::Node tasks(YAML::NodeType::Sequence);
  for (const Step& step : scope.pipeline->steps)
    tasks.push_back(ArgoStepTask(scope, step, upstream));
  if (tasks.size() > 0) dag_template["dag"]["tasks"] = tasks;
  templates.push_back(dag_template);
  for (const Step& step : scope.pipeline->steps) AddArgoStepTemplates(scope, step, templates);
}

}  // namespace ctp::detail
