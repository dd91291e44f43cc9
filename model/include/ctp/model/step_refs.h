// The references a step makes: to parameters, other steps' outputs, loop items and the workflow.
// One walker visits them in a fixed order; the DAG, the checks and the emitters all read it.
#pragma once

#include <functional>
#include <vector>

#include "ctp/model/pipeline.h"

namespace ctp {

/// Where in a step a reference appears.
enum class RefSite {
  kCommand,    ///< a command template
  kSource,     ///< a script step's source
  kArg,        ///< an args template
  kEnv,        ///< an environment variable's value
  kInput,      ///< an input's value
  kWhen,       ///< the condition
  kLoopItems,  ///< the list a loop iterates over
};

/// Whether the step's container reads references at `site` (command, args, env, inputs); the
/// condition and the loop's items are evaluated by the orchestrator instead.
bool InContainer(RefSite site);

/// Calls `visit` for every reference of `step`, in order: command, source, args, env, inputs,
/// when, loop items (each in declaration order).
void ForEachRef(const Step& step, const std::function<void(const Ref&, RefSite)>& visit);

/// Every reference of `step`, in ForEachRef's order.
std::vector<Ref> StepRefs(const Step& step);

/// The references the step's container reads (InContainer sites), in ForEachRef's order.
std::vector<Ref> ContainerRefs(const Step& step);

}  // namespace ctp
