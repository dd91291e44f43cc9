// Internals of the Argo emitter, shared by argo_workflow.cc, argo_template.cc and argo_values.cc.
#pragma once

#include <cstddef>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>

#include "cluster_step.h"
#include "ctp/model/dag.h"
#include "ctp/emit/emit.h"
#include "ctp/model/pipeline.h"
#include "template_reuse.h"
#include "yaml_value.h"

namespace ctp::emit {

/// The templates the steps of one DAG share (template_reuse.h), and their names.
struct ArgoTemplatePlan {
  TemplateReuse reuse;
  std::unordered_map<std::size_t, std::string> names;  ///< group -> template name
};

/// One Argo DAG being written: the pipeline whose steps are its tasks, and how references resolve.
struct ArgoScope {
  const Pipeline* pipeline = nullptr;  ///< declares the steps of this DAG
  const Pipeline* root = nullptr;      ///< the pipeline being emitted
  const EmitOptions* options = nullptr;
  const StepLookup* steps = nullptr;  ///< steps by name, shared by every scope of one emit call
  std::string prefix;     ///< template-name prefix: "" at the top, "STEP-" inside sub-pipeline STEP
  bool top_level = true;  ///< parameters are workflow parameters (else the DAG template's inputs)
  /// Outputs (step, name) the exit handler reads: exported with `globalName: STEP-NAME`.
  std::set<std::pair<std::string, std::string>> global_outputs;
  /// The shared templates of this DAG's steps; nullptr: every step has its own.
  const ArgoTemplatePlan* templates = nullptr;
};

/// Where an expression is evaluated: in a DAG task of the scope, or in the exit handler template.
enum class ArgoSite { kTask, kExitHandler };

/// The Argo expression for `ref` at `site`: `{{workflow.parameters.P}}` (or
/// `{{inputs.parameters.P}}` in a sub-pipeline), `{{tasks.S.outputs.parameters.N}}`,
/// `{{tasks.S.outputs.artifacts.N}}`, `{{item}}`, `{{item.F}}`, `{{workflow.status}}`,
/// `{{workflow.name}}`; in the exit handler step outputs are `{{workflow.outputs.*.S-N}}`.
std::string ArgoExpression(const ArgoScope& scope, const Ref& ref, ArgoSite site);

/// A template's text with every reference replaced by its task-level expression.
std::string ArgoExpressionText(const ArgoScope& scope, const Template& value, ArgoSite site);

/// The govaluate `when` expression of a condition (strings single-quoted, numbers bare).
/// Throws ctp::Error at `step` for conditions Argo cannot express.
std::string ArgoWhen(const ArgoScope& scope, const Condition& condition, const Step& step);

/// `withItems` of a literal loop: each JSON item as a YAML scalar or map.
YamlValue ArgoWithItems(const Loop& loop, const Step& step);

/// The templates of `step`: its container (or nested DAG for a sub-pipeline), and a loop wrapper
/// DAG when the loop limits parallelism. Appended to `templates`.
void AddArgoStepTemplates(const ArgoScope& scope, const Step& step, YamlValue& templates);

/// The DAG task that runs `step` in `scope`.
YamlValue ArgoStepTask(const ArgoScope& scope, const Step& step, const UpstreamIndex& upstream);

/// Plans which steps of `scope` share a template and names those templates (unlike any step's
/// template, loop wrapper or the entry).
ArgoTemplatePlan PlanArgoTemplates(const ArgoScope& scope);

/// The template a container, native or Lua step of `scope` runs: its own or the shared one.
TemplateShape ArgoStepShape(const ArgoScope& scope, const Step& step);
/// The name of that template.
std::string ArgoStepTemplateName(const ArgoScope& scope, const Step& step);

/// The container template of a container, native or Lua step (inputs come from task arguments);
/// a shared template only for the first step that calls it, else nothing (a null value).
YamlValue ArgoStepTemplate(const ArgoScope& scope, const Step& step);

/// The container template of the exit handler (its inputs carry their values themselves).
YamlValue ArgoExitTemplate(const ArgoScope& scope, const Step& step);

/// The templates of exit handler `step`, the first named `step.name` as `spec.onExit` names it:
/// its container template, or for a sub-pipeline the DAG template of the sub-pipeline's tasks
/// (then their templates). No task calls them, so their inputs carry their values themselves.
void AddArgoExitTemplates(const ArgoScope& scope, const Step& step, YamlValue& templates);
/// The template `onExit` names: the exit handler's own, or the DAG that holds its condition.
std::string ArgoExitEntry(const Step& step);

/// Appends `dag_template` (named, maybe with inputs and outputs) with a DAG of every step of
/// `scope`, then every template those steps call.
void AddArgoDagTemplates(const ArgoScope& scope, YamlValue dag_template, YamlValue& templates);

}  // namespace ctp::emit
