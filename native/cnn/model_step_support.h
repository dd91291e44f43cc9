// What the train, evaluate and predict steps share: typed argument access, the data-set
// arguments, and running a network over a data set.
#pragma once

#include <string>
#include <vector>

#include "ctp/step/step_registry.h"
#include "data/dataset.h"
#include "cnn/model_checkpoint.h"

namespace ctp::native {

/// The argument's text, or `fallback` when absent or empty.
std::string ArgOr(const StepContext& context, const std::string& name, const std::string& fallback);
/// Typed argument values; throw std::invalid_argument naming the argument for bad text.
long long ArgInt(const StepContext& context, const std::string& name, long long fallback);
double ArgFloat(const StepContext& context, const std::string& name, double fallback);
bool ArgBool(const StepContext& context, const std::string& name, bool fallback);

/// The `data`, `split`, `labels`, `limit` arguments (with `prefix`, e.g. "eval_").
std::vector<NativeArg> DatasetArgs(const std::string& prefix, const std::string& default_split,
                                   bool required);
/// The data set those arguments name.
DatasetSource DatasetSourceFromArgs(const StepContext& context, const std::string& prefix,
                                    const std::string& default_split);

/// The `device` argument (auto | cpu | cuda) of the model steps.
NativeArg DeviceArg();
/// The device that argument names: auto = the GPU when one is usable, else the CPU; cuda without a
/// usable GPU throws std::invalid_argument saying why.
kernels::Device DeviceFromArgs(const StepContext& context);

/// Throws std::runtime_error unless `set` fits the model's input shape and classes.
void CheckDatasetFitsModel(const Dataset& set, const ModelInfo& info, const std::string& what);

/// Softmax probabilities {size × classes}, row-major, for every item of `set` (evaluation mode).
std::vector<float> PredictProbabilities(kernels::cnn::Sequential& network, const ModelInfo& info,
                                        const Dataset& set, int batch_size);

/// Index of the largest value of each row of `values` (rows of `columns`).
std::vector<int> ArgMaxRows(const std::vector<float>& values, int columns);

}  // namespace ctp::native
