// What the train, evaluate and predict steps share: the data-set arguments, the device, and
// running a network over a data set.
#pragma once

#include <string>
#include <vector>

#include "cnn/model_checkpoint.h"
#include "ctp/step/step_registry.h"
#include "data/dataset.h"
#include "device_arg.h"

namespace ctp::native {

/// The doc of the model steps' `device` argument.
inline constexpr const char* kModelDeviceDoc =
    "auto (the GPU when one is usable, else the CPU) | cpu | cuda; CPU results are deterministic "
    "for a seed";

/// The `data`, `split`, `labels`, `limit` arguments (with `prefix`, e.g. "eval_").
std::vector<NativeArg> DatasetArgs(const std::string& prefix, const std::string& default_split,
                                   bool required);
/// The data set those arguments name.
DatasetSource DatasetSourceFromArgs(const StepContext& context, const std::string& prefix);

/// Throws std::runtime_error unless `set` fits the model's input shape and classes.
void CheckDatasetFitsModel(const Dataset& set, const ModelInfo& info, const std::string& what);

/// Softmax probabilities {size × classes}, row-major, for every item of `set` (evaluation mode).
std::vector<float> PredictProbabilities(kernels::cnn::Sequential& network, const ModelInfo& info,
                                        const Dataset& set, int batch_size);

/// Index of the largest value of each row of `values` (rows of `columns`).
std::vector<int> ArgMaxRows(const std::vector<float>& values, int columns);

}  // namespace ctp::native
