// Factories of the built-in native steps (one file each in native/<family>/).
#pragma once

#include "ctp/step/step_registry.h"

namespace ctp::native {

/// `echo`: writes its `message` argument to the output `message` (a test and example step).
NativeStep MakeEchoStep();
/// `tile`: slides under a data root to labelled patches, incrementally (tile.cc; docs/tiling.md).
NativeStep MakeTileStep();
/// `train`, `evaluate`, `predict`: the CNN steps (train.cc, evaluate.cc, predict.cc; docs/cnn.md).
NativeStep MakeTrainStep(), MakeEvaluateStep(), MakePredictStep();
/// `deploy`: promotes a checkpoint in model-deploy-config.json if it beats the deployed one.
NativeStep MakeDeployStep();

}  // namespace ctp::native
