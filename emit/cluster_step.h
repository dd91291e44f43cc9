// What both cluster emitters need to know about a step: the run-time values it reads, how its
// container is started, and what its references point at.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "ctp/emit/emit.h"
#include "ctp/model/pipeline.h"
#include "ctp/model/step_refs.h"
#include "step_lookup.h"

namespace ctp::emit {

/// A run-time value a step's container reads, passed in as a named input of its template.
struct StepInput {
  Ref ref;           ///< kParam, kStepOutput or kLoopItem
  std::string name;  ///< `PARAM`, `STEP-OUTPUT`, `item` or `item-FIELD`, made unique with `-2`...
  std::string path;  ///< where an artifact input is placed in the container (Argo)
  /// A literal the call passes (template_reuse.h): `ref` then only stands for this input.
  std::optional<std::string> literal;
};

/// The distinct parameter, step-output and loop-item references of a step's command, args, env
/// and inputs, in order of first use, with deterministic input names (artifacts placed at
/// ClusterInputPath).
std::vector<StepInput> CollectStepInputs(const Step& step);

/// `name` as an input name: Argo allows [-a-zA-Z0-9_]; anything else becomes '-'.
std::string SafeName(std::string name);

/// The input that carries `ref`, or nullptr.
const StepInput* FindStepInput(const std::vector<StepInput>& inputs, const Ref& ref);

/// The output `name` of `step`, or nullptr.
const Output* FindOutput(const Step& step, const std::string& name);

/// The kind of value the step output `ref` names in `pipeline` (Step::OutputKind: a sub-pipeline's
/// output has the kind of the inner step output it names); kParameter when it is not declared.
ValueKind ProducedKind(const StepLookup& steps, const Pipeline& pipeline, const Ref& ref);

/// True when the step output `ref` names is its producer's standard output (Output::from_stdout).
bool IsStdoutRef(const StepLookup& steps, const Pipeline& pipeline, const Ref& ref);

/// The image, command and args a step runs with in a cluster.
struct ClusterContainer {
  std::string image;
  std::vector<Template> command;
  std::vector<Template> args;
};

/// How `step` of `scope` (a pipeline inside `root`, or `root` itself) runs in a cluster: container
/// steps as declared, native and Lua steps in the ctp image. Throws ctp::Error for a step without
/// an image.
ClusterContainer ClusterContainerOf(const Step& step, const Pipeline& scope, const Pipeline& root,
                                    const EmitOptions& options);

/// The pipeline that sub-pipeline step `step` runs. Throws ctp::Error when it has none, and when
/// it has its own exit handler: a cluster runs only the emitted pipeline's exit handler.
const Pipeline& SubPipelineOf(const Step& step);

/// The step's retry, or the pipeline's default retry.
std::optional<Retry> EffectiveRetry(const Step& step, const Pipeline& scope);

/// A duration as both engines read it, Argo as a Go duration and KFP as a protobuf Duration:
/// whole seconds as "10s", finer ones as "1.5s".
std::string DurationText(std::chrono::milliseconds duration);

/// The volumes of `root` and of its sub-pipelines (its exit handler's included), each name once
/// (a workflow has one set of volumes). Throws ctp::Error when two pipelines declare one name
/// differently.
std::vector<const Volume*> WorkflowVolumes(const Pipeline& root);

/// True when `text` is a JSON/YAML number (`5`, `-0.5`, `1e3`).
bool IsNumber(const std::string& text);

/// A number's text as a floating-point literal ("10" -> "10.0"; "0.5", "1e3" unchanged), for
/// expressions that compare doubles (expr after asFloat, CEL after double()) and KFP's factor.
std::string DoubleLiteral(const std::string& number);

/// The items of the literal list of `in` condition `c`, as text (strings without quotes). Throws
/// ctp::Error at `step` when it is not a JSON list.
std::vector<std::string> LiteralListItems(const Condition& c, const Step& step);

/// Refuses an exit handler with `for_each`: Argo's onExit and KFP's exit task run it once, where
/// ctp run runs it per item.
void RefuseLoopingExitHandler(const Step& exit);

}  // namespace ctp::emit
