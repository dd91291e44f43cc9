// ctp's built-in native steps (tile, train, evaluate, predict, deploy, echo), for a registry.
#pragma once

#include "ctp/step/step_registry.h"

namespace ctp {

/// Registers ctp's built-in native steps into `registry` (a name already taken is kept).
void RegisterBuiltinSteps(StepRegistry& registry);

}  // namespace ctp
