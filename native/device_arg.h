// The `device` argument of the steps that run kernels (tile, train, evaluate, predict).
#pragma once

#include <string>

#include "ctp/kernels/device.h"
#include "ctp/step/step_registry.h"

namespace ctp::native {

/// The `device` argument: a choice of auto | cpu | cuda, default auto, documented by `doc`.
NativeArg DeviceArg(const std::string& doc);
/// The device that argument names: auto = the GPU when one is usable, else the CPU; cuda without a
/// usable GPU throws std::invalid_argument saying why.
kernels::Device DeviceFromArgs(const StepContext& context);

}  // namespace ctp::native
