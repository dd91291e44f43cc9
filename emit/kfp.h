// Internals of the KFP emitter, shared by kfp_pipeline.cc, kfp_dag.cc, kfp_component.cc and
// kfp_values.cc.
#pragma once

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "cluster_step.h"
#include "ctp/emit/emit.h"
#include "ctp/model/pipeline.h"
#include "template_reuse.h"
#include "yaml_value.h"

namespace ctp::emit {

/// What one EmitKfp call accumulates: components, executors, kubernetes executor configs.
struct KfpBuilder {
  const Pipeline* root = nullptr;
  const EmitOptions* options = nullptr;
  StepLookup steps;  ///< steps by name of the root and its sub-pipelines
  YamlValue components = YamlValue::EmptyMap();          ///< `comp-*` -> component
  YamlValue executors = YamlValue::EmptyMap();           ///< `exec-*` -> container executor
  YamlValue platform_executors = YamlValue::EmptyMap();  ///< `exec-*` -> kubernetes config
  std::set<std::string> used_suffixes;  ///< component/executor names taken (without comp-/exec-)
  int group_counter = 0;                ///< numbers condition-N, for-loop-N, exit-handler-N
  /// Which leaf steps share a component. EmitKfp builds the spec twice: a planning pass records
  /// every leaf step's shared component, then the real pass writes each shared one once.
  TemplateReuse* reuse = nullptr;
  bool planning = false;
  std::unordered_map<std::size_t, std::string> shared_names;  ///< group -> name (no comp-)

  /// `base`, or `base-2`, `base-3`... when taken (like the KFP compiler).
  std::string UniqueSuffix(const std::string& base);
};

/// One KFP DAG being written and how values reach its tasks.
struct KfpScope {
  const Pipeline* pipeline = nullptr;  ///< declares the params and the steps
  const StepLookup* steps = nullptr;   ///< the builder's steps by name
  bool in_group = false;  ///< params and outside outputs arrive as `pipelinechannel--*` inputs
  /// Step (or `createpvc-VOLUME`) -> the task of this DAG that exposes its outputs.
  std::map<std::string, std::string> tasks;
  /// Steps whose task is a group: their outputs are keyed `pipelinechannel--STEP-OUTPUT`.
  std::set<std::string> wrapped;
  std::string item_channel;  ///< the loop item input, inside a for-loop group
  std::string item_type;     ///< its parameterType
  /// In the exit task's scope: the group whose final status the `status` input carries.
  std::string final_status_producer;
  /// In a sub-pipeline run as the exit task: its params that carry that final status (a struct).
  std::set<std::string> final_status_params;
};

/// The step output that stands for the claim a `createpvc-VOLUME` task creates.
Ref CreatePvcRef(const std::string& volume);
/// The `createpvc-VOLUME` task name of a volume.
std::string CreatePvcTask(const std::string& volume);

/// `pipelinechannel--P`, `pipelinechannel--STEP-OUTPUT`, or the scope's loop item channel.
std::string ChannelName(const KfpScope& scope, const Ref& ref);
/// True when `ref` is a step output that is an artifact (or metrics).
bool IsKfpArtifact(const KfpScope& scope, const Ref& ref);
/// The parameterType of a value: the param's type, LIST for outputs of looped steps, ...
std::string KfpParameterType(const KfpScope& scope, const Ref& ref);
/// Whether step output `output` is the items of a loop in `pipeline` (then its type is LIST).
bool FeedsLoop(const Pipeline& pipeline, const Ref& output);
/// `{schemaTitle: system.Artifact|system.Metrics, schemaVersion: 0.0.1}` of an artifact value.
YamlValue KfpArtifactType(ValueKind kind);
/// How a task of `scope` receives `ref`: componentInputParameter, taskOutputParameter, ...
YamlValue KfpSource(const KfpScope& scope, const Ref& ref);
/// `{taskFinalStatus: {producerTask: GROUP}}`: how the exit task receives the pipeline's final
/// status. Throws ctp::Error at `step` when `scope` is not the exit task's (KFP gives the status
/// to that task only).
YamlValue KfpFinalStatusSource(const KfpScope& scope, const Step& step);
/// A literal as a typed constant (`runtimeValue.constant` / `defaultValue`).
YamlValue KfpConstant(const std::string& text, ParamType type);
/// The CEL `triggerPolicy.condition` of a condition group in `scope`.
std::string KfpCondition(const KfpScope& scope, const Condition& condition, const Step& step);
/// The KFP type name used in the `# Inputs:` header (`str`, `int`, `float`, `bool`, `list`).
const char* KfpHeaderType(ParamType type);
/// The parameterType of a ParamType.
const char* KfpParamType(ParamType type);

/// References a step needs from outside its own task (params, outputs, loop items, claims).
std::vector<Ref> KfpExternalRefs(const Pipeline& scope_pipeline, const Pipeline& root,
                                 const Step& step);

/// The sorted, distinct tasks of `scope` that `step` waits for.
std::vector<std::string> KfpDependentTasks(const KfpScope& scope, const Step& step);

/// The component a container, native or Lua step's task calls, and the inputs it takes.
struct KfpLeafComponent {
  std::string name;  ///< `comp-NAME`
  std::vector<StepInput> inputs;
};
/// Adds the component, executor and platform config of a container, native or Lua step (or finds
/// the shared one it calls, template_reuse.h).
KfpLeafComponent AddKfpLeafComponent(KfpBuilder& builder, const KfpScope& scope, const Step& step);
/// The task inputs of a container, native or Lua step in `scope` that calls a component taking
/// `inputs`.
YamlValue KfpLeafTaskInputs(const KfpScope& scope, const Step& step,
                            const std::vector<StepInput>& inputs);

/// Adds the task of a container, native, Lua or sub-pipeline step itself (no groups) to `tasks`.
void AddKfpLeafTask(KfpBuilder& builder, const KfpScope& scope, const Step& step,
                    const std::vector<std::string>& dependent_tasks, YamlValue& tasks);
/// Declares `refs` as inputs of group `component` (named by channel), fed by `task` in `parent`.
void AddKfpGroupInputs(const KfpScope& parent, const std::vector<Ref>& refs, YamlValue& component,
                       YamlValue& task);
/// A component output: its name and the step output of the component's DAG it comes from.
using KfpNamedOutput = std::pair<std::string, Ref>;
/// Exposes step outputs of `inner` (the component's DAG) as outputs of `component`; lists when
/// `collected` (the outputs of a loop).
void ExposeKfpOutputs(const KfpScope& inner, const std::vector<KfpNamedOutput>& outputs,
                      bool collected, YamlValue& component);
/// The outputs `refs` named by their pipeline channel, as groups expose them.
std::vector<KfpNamedOutput> ChannelOutputs(const KfpScope& scope, const std::vector<Ref>& refs);

/// Adds the task that runs `step` to `tasks` (wrapped in for-loop / condition groups as needed).
void AddKfpStepTask(KfpBuilder& builder, const KfpScope& scope, const Step& step,
                    const std::map<std::string, std::vector<std::string>>& groups,
                    YamlValue& tasks);
/// Group names each step's task is wrapped in (outermost first), numbered in declaration order.
std::map<std::string, std::vector<std::string>> PlanKfpGroups(KfpBuilder& builder,
                                                              const Pipeline& pipeline);
/// The tasks of every step of `scope.pipeline` (scope.tasks/wrapped filled from `groups`).
YamlValue KfpDagTasks(KfpBuilder& builder, KfpScope& scope,
                      const std::map<std::string, std::vector<std::string>>& groups);

}  // namespace ctp::emit
