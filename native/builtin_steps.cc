// The built-in native steps. Each lives in its own file and exposes a Make...Step() function.
#include "ctp/native/builtin_steps.h"

#include "native_steps.h"

namespace ctp {

void RegisterBuiltinSteps(StepRegistry& registry) {
  for (NativeStep (*make)() : {&native::MakeEchoStep, &native::MakeTileStep, &native::MakeTrainStep,
                               &native::MakeEvaluateStep, &native::MakePredictStep,
                               &native::MakeDeployStep}) {
    NativeStep step = make();
    if (!registry.Find(step.name)) registry.Register(std::move(step));
  }
}

}  // namespace ctp
