// The LuaLS annotations of the native steps (interpreter/dsl/luals/ctp.d.lua), made from the step
// registry so that they cannot drift from the steps' arguments.
#pragma once

#include <string>

#include "ctp/step/step_registry.h"

namespace ctp {

/// The first and last line of the generated block in ctp.d.lua.
inline constexpr const char* kLuaLsNativeStepsBegin =
    "-- BEGIN native steps (generated from the step registry: luals_annotations_test.cc)";
inline constexpr const char* kLuaLsNativeStepsEnd = "-- END native steps";

/// The annotations of every step in `registry`: a class `ctp.steps.NAME.Args` per step with one
/// typed field per argument, and `ctp.Steps` with one factory per step; between the two markers.
std::string LuaLsNativeStepAnnotations(const StepRegistry& registry);

}  // namespace ctp
