// Template reuse: the calls of one definition (a loaded component, a native step, a Lua function)
// share one Argo template or KFP component, and each call passes its own values as task
// arguments, as Hera and the KFP compiler write a component called several times.
//
// Every leaf step has two possible templates. Its own: references named after what they read,
// literal values inline, the template named after the step (the readable form). A shared one: the
// literal values its call gives (a native or Lua step's inputs, a component's input elements) are
// template inputs too, and every input is named after where the template uses it (`--rows` ->
// `rows`, `x=...` -> `x`, an env var's name, else `args-N`), not after the call. Steps whose shared
// templates are byte-identical share it; a step whose shared template no other step has keeps its
// own. The emitters write the shared template once, named after the definition.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "cluster_step.h"
#include "ctp/model/pipeline.h"

namespace ctp::emit {

/// What a template's container runs and the inputs it reads.
struct TemplateShape {
  ClusterContainer container;
  std::vector<StepInput> inputs;  ///< references and lifted literals, by template input name
};

/// A step with the literal values its call gives replaced by references to template inputs.
struct LiftedStep {
  Step step;                       ///< the step with lifted values as input references
  std::vector<StepInput> literals; ///< the lifted values (StepInput::literal set)
};

/// Lifts the literal values `step`'s call gives: the inputs of a native or Lua step, the input
/// elements of a component's command and args. Text with `{{` stays inline (an engine would read
/// it as an expression in an argument).
LiftedStep LiftArguments(const Step& step);

/// The shared template of `lifted`, whose container (ClusterContainerOf the lifted step) is
/// `container`: inputs named after where the container first uses them.
TemplateShape SharedShape(const LiftedStep& lifted, ClusterContainer container);

/// The step's own template: CollectStepInputs's inputs, literals inline.
TemplateShape OwnShape(const Step& step, ClusterContainer container);

/// Which recorded steps share a template: groups of two or more steps with one shared body.
class TemplateReuse {
 public:
  /// Records `step`, whose shared template an emitter writes as `body` (without its name).
  void Record(const Step& step, std::string body);
  /// The group of steps whose shared template is `step`'s, or nullopt when the step has its own
  /// template (no other recorded step has its shared body, or it was not recorded).
  std::optional<std::size_t> GroupOf(const Step& step) const;
  /// True when `step` is the first recorded call of its group (the one that writes it).
  bool FirstOfGroup(const Step& step) const;
  /// The name a group's template takes before it is made unique: the native step's or
  /// component's name, else what its steps' names have in common (`score-a`, `score-b` ->
  /// `score`), else its first step's name.
  std::string DefinitionName(std::size_t group) const;
  /// The groups in order of their first recorded step.
  std::vector<std::size_t> Groups() const;

 private:
  std::unordered_map<std::string, std::size_t> by_body_;  // shared body -> index into members_
  std::vector<std::vector<const Step*>> members_;
  std::unordered_map<const Step*, std::size_t> of_step_;
};

}  // namespace ctp::emit
