// Factories of the built-in native steps (one file each in stdlib/native/).
#pragma once

#include "ctp/step_registry.h"

namespace ctp::native {

/// `echo`: writes its `message` argument to the output `message` (a test and example step).
NativeStep MakeEchoStep();

}  // namespace ctp::native
