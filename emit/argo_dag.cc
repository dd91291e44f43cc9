// Argo DAG templates: tasks with their arguments, dependencies, conditions and loops; loop
// wrappers that limit parallelism; sub-pipelines as nested DAG templates.
#include <fmt/format.h>

#include <utility>

#include "argo.h"
#include "ctp/model/diagnostic.h"
#include "yaml_writer.h"

namespace ctp::emit {
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

YamlValue NamedValue(const std::string& name, const char* key, const std::string& value) {
  YamlValue entry;
  entry["name"] = name;
  entry[key] = value;
  return entry;
}

// The text of `key` in an argument entry (`name`, `value`, `from`); empty when it has none.
const std::string& Field(const YamlValue& argument, const char* key) {
  static const std::string kNone;
  const YamlValue* value = argument.Find(key);
  return value ? value->text() : kNone;
}

// True when a parameter argument passes the loop item (`{{item}}`, `{{item.F}}`).
bool IsItemArgument(const YamlValue& argument) {
  return Field(argument, "value").rfind("{{item", 0) == 0;
}

// Sub-pipeline inputs are parameters of its DAG template.
void CheckNoArtifactInputs(const ArgoScope& scope, const Step& step) {
  for (const Input& input : step.inputs)
    if (const Ref* ref = input.value.SoleRef(); ref && IsArtifactRef(scope, *ref))
      throw Error(input.location,
                  fmt::format("sub-pipeline step '{}' gets artifact '{}' of step '{}' as input "
                              "'{}': sub-pipeline inputs are parameters",
                              step.name, ref->name, ref->step, input.name));
}

// `arguments` of the task that runs `step`: one entry per template input.
YamlValue Arguments(const ArgoScope& scope, const Step& step) {
  YamlValue node;
  if (step.kind == Step::Kind::kPipeline) {
    CheckNoArtifactInputs(scope, step);
    for (const Input& input : step.inputs)
      node["parameters"].PushBack(
          NamedValue(input.name, "value", ArgoExpressionText(scope, input.value, ArgoSite::kTask)));
    return node;
  }
  for (const StepInput& input : ArgoStepShape(scope, step).inputs) {
    if (input.literal) {
      node["parameters"].PushBack(NamedValue(input.name, "value", *input.literal));
      continue;
    }
    const std::string value = ArgoExpression(scope, input.ref, ArgoSite::kTask);
    if (IsArtifactRef(scope, input.ref)) {
      CheckNotLoopArtifact(scope, step, input.ref);
      node["artifacts"].PushBack(NamedValue(input.name, "from", value));
    } else {
      node["parameters"].PushBack(NamedValue(input.name, "value", value));
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
             YamlValue& task) {
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
YamlValue LoopWrapper(const ArgoScope& scope, const Step& step) {
  if (step.when && UsesLoopItem(*step.when))
    throw Error(step.location,
                fmt::format("step '{}': a condition on the loop item cannot be combined with loop "
                            "parallelism in Argo",
                            step.name));
  YamlValue outer_arguments = Arguments(scope, step);
  YamlValue inputs, inner_arguments;
  for (const char* kind : {"parameters", "artifacts"}) {
    const YamlValue* arguments = outer_arguments.Find(kind);
    if (!arguments) continue;
    for (const YamlValue& argument : arguments->items()) {
      const std::string& name = Field(argument, "name");
      const bool item = std::string(kind) == "parameters" && IsItemArgument(argument);
      if (!item) {
        YamlValue input;
        input["name"] = name;
        inputs[kind].PushBack(std::move(input));
      }
      const std::string forwarded = fmt::format("{{{{inputs.{}.{}}}}}", kind, name);
      inner_arguments[kind].PushBack(
          NamedValue(name, std::string(kind) == "parameters" ? "value" : "from",
                     item ? Field(argument, "value") : forwarded));
    }
  }
  if (step.loop->items_ref) {
    YamlValue input;
    input["name"] = kLoopItemsInput;
    inputs["parameters"].PushBack(std::move(input));
  }
  YamlValue task;
  task["name"] = step.name;
  task["template"] = ArgoStepTemplateName(scope, step);
  if (inner_arguments.size() > 0) task["arguments"] = std::move(inner_arguments);
  SetLoop(scope, step, kLoopItemsInput, task);

  YamlValue wrapper;
  wrapper["name"] = LoopWrapperName(scope, step);
  if (inputs.size() > 0) wrapper["inputs"] = std::move(inputs);
  for (const Output& output : step.outputs) {
    if (output.kind != ValueKind::kParameter) continue;
    YamlValue entry;
    entry["name"] = output.name;
    entry["valueFrom"]["parameter"] =
        output.from_stdout
            ? fmt::format("{{{{tasks.{}.outputs.result}}}}", step.name)
            : fmt::format("{{{{tasks.{}.outputs.parameters.{}}}}}", step.name, output.name);
    wrapper["outputs"]["parameters"].PushBack(std::move(entry));
  }
  wrapper["parallelism"] = IntScalar(step.loop->parallelism);
  wrapper["dag"]["tasks"].PushBack(std::move(task));
  return wrapper;
}

// A pipeline output that is text: Argo can put parameters into it, not artifacts.
void CheckNoArtifactInText(const ArgoScope& scope, const std::string& output,
                           const Template& value) {
  for (const Template::Part& part : value.parts)
    if (part.ref && IsArtifactRef(scope, *part.ref))
      throw Error(scope.pipeline->location,
                  fmt::format("pipeline '{}': output '{}' puts artifact '{}' of step '{}' into "
                              "text, but Argo passes an artifact only whole (make the output "
                              "exactly that step output)",
                              scope.pipeline->name, output, part.ref->name, part.ref->step));
}

const Input* FindInput(const Step& step, const std::string& name) {
  for (const Input& input : step.inputs)
    if (input.name == name) return &input;
  return nullptr;
}

// The DAG template of sub-pipeline step `step`, with the inner pipeline's params as inputs. A
// task passes them at kTask; at kExitHandler nothing can (onExit takes no arguments), so the
// inputs the step gives carry their values themselves, as the exit container template's do.
void AddSubPipelineTemplates(const ArgoScope& scope, const Step& step, ArgoSite site,
                             YamlValue& templates) {
  const Pipeline& inner = SubPipelineOf(step);
  ArgoScope inner_scope{&inner,        scope.root, scope.options,
                        scope.steps,   scope.prefix + step.name + "-",
                        false,         {},         nullptr};
  if (site == ArgoSite::kExitHandler) CheckNoArtifactInputs(scope, step);
  YamlValue dag_template;
  dag_template["name"] = scope.prefix + step.name;
  for (const Param& param : inner.params) {
    YamlValue entry;
    entry["name"] = param.name;
    const Input* given = site == ArgoSite::kExitHandler ? FindInput(step, param.name) : nullptr;
    if (given)
      entry["value"] = ArgoExpressionText(scope, given->value, site);
    else if (param.default_value)
      entry["default"] = *param.default_value;
    dag_template["inputs"]["parameters"].PushBack(std::move(entry));
  }
  for (const auto& [name, value] : inner.outputs) {
    const Ref* ref = value.SoleRef();
    YamlValue entry;
    entry["name"] = name;
    const std::string expression = ArgoExpressionText(inner_scope, value, ArgoSite::kTask);
    if (ref && IsArtifactRef(inner_scope, *ref)) {
      entry["from"] = expression;
      dag_template["outputs"]["artifacts"].PushBack(std::move(entry));
    } else {
      CheckNoArtifactInText(inner_scope, name, value);
      entry["valueFrom"]["parameter"] = expression;
      dag_template["outputs"]["parameters"].PushBack(std::move(entry));
    }
  }
  if (inner.parallelism > 0) dag_template["parallelism"] = IntScalar(inner.parallelism);
  AddArgoDagTemplates(inner_scope, std::move(dag_template), templates);
}

}  // namespace

void AddArgoStepTemplates(const ArgoScope& scope, const Step& step, YamlValue& templates) {
  if (NeedsLoopWrapper(step)) templates.PushBack(LoopWrapper(scope, step));
  if (step.kind == Step::Kind::kPipeline)
    AddSubPipelineTemplates(scope, step, ArgoSite::kTask, templates);
  else if (YamlValue node = ArgoStepTemplate(scope, step); node.kind() != YamlValue::Kind::kNull)
    templates.PushBack(std::move(node));
}

std::string ArgoExitEntry(const Step& step) { return step.when ? step.name + "-when" : step.name; }

void AddArgoExitTemplates(const ArgoScope& scope, const Step& step, YamlValue& templates) {
  RefuseLoopingExitHandler(step);
  if (step.kind == Step::Kind::kPipeline)
    AddSubPipelineTemplates(scope, step, ArgoSite::kExitHandler, templates);
  else
    templates.PushBack(ArgoExitTemplate(scope, step));
  if (!step.when) return;
  // Argo runs the template onExit names whatever the step's `when`: a DAG of one task carries
  // the condition (the shape of Argo's exit-handler examples).
  const std::string entry = ArgoExitEntry(step);
  if (scope.pipeline->FindStep(entry))
    throw Error(step.location,
                fmt::format("the exit handler '{}' has a condition, which Argo evaluates in a "
                            "template named '{}'; a step has that name already (rename one)",
                            step.name, entry));
  YamlValue task;
  task["name"] = step.name;
  task["template"] = step.name;
  task["when"] = ArgoWhen(scope, *step.when, step);
  YamlValue dag;
  dag["name"] = entry;
  dag["dag"]["tasks"].PushBack(std::move(task));
  templates.PushBack(std::move(dag));
}

YamlValue ArgoStepTask(const ArgoScope& scope, const Step& step, const UpstreamIndex& upstream) {
  YamlValue task;
  task["name"] = step.name;
  const bool wrapped = NeedsLoopWrapper(step);
  task["template"] = wrapped                                ? LoopWrapperName(scope, step)
                     : step.kind == Step::Kind::kPipeline ? scope.prefix + step.name
                                                          : ArgoStepTemplateName(scope, step);
  const std::string depends = Depends(upstream, step);
  if (!depends.empty()) task["depends"] = depends;
  if (step.when) task["when"] = ArgoWhen(scope, *step.when, step);
  YamlValue arguments = Arguments(scope, step);
  if (wrapped) {
    YamlValue outer;
    for (const char* kind : {"parameters", "artifacts"}) {
      const YamlValue* list = arguments.Find(kind);
      if (!list) continue;
      for (const YamlValue& argument : list->items())
        if (std::string(kind) == "artifacts" || !IsItemArgument(argument))
          outer[kind].PushBack(argument.Copy());
    }
    if (step.loop->items_ref)
      outer["parameters"].PushBack(NamedValue(
          kLoopItemsInput, "value", ArgoExpression(scope, *step.loop->items_ref, ArgoSite::kTask)));
    arguments = std::move(outer);
  }
  if (arguments.size() > 0) task["arguments"] = std::move(arguments);
  if (step.loop && !wrapped) SetLoop(scope, step, "", task);
  return task;
}

void AddArgoDagTemplates(const ArgoScope& outer, YamlValue dag_template, YamlValue& templates) {
  const ArgoTemplatePlan plan = PlanArgoTemplates(outer);
  ArgoScope scope = outer;
  scope.templates = &plan;
  const UpstreamIndex upstream(Dag::Build(*scope.pipeline));
  YamlValue tasks = YamlValue::EmptySequence();
  for (const Step& step : scope.pipeline->steps)
    tasks.PushBack(ArgoStepTask(scope, step, upstream));
  if (tasks.size() > 0) dag_template["dag"]["tasks"] = std::move(tasks);
  templates.PushBack(std::move(dag_template));
  for (const Step& step : scope.pipeline->steps) AddArgoStepTemplates(scope, step, templates);
}

}  // namespace ctp::emit
