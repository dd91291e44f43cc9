// The optimiser's state beside the weights (optimizer.safetensors): per parameter, SGD's momentum
// buffer ("NAME.momentum_buffer") or Adam's moments ("NAME.exp_avg", "NAME.exp_avg_sq"), PyTorch's
// names for them after the parameter's; metadata "optimizer" (sgd, adam, adamw) and "step" (the
// updates made, Adam's t). Saved with a checkpoint so that a warm start, or a resumed training,
// continues with the momentum it had.
#pragma once

#include <cstdint>
#include <string>

#include "cnn/model_checkpoint.h"

namespace ctp::native {

/// Whether the state of optimizer `stored` can continue under `wanted`: sgd with sgd, and adam
/// with adamw either way (they keep the same moments).
bool SameOptimizerState(const std::string& stored, const std::string& wanted);

/// The state of `optimizer` (sgd, adam or adamw) of `network` as safetensors bytes.
std::string EncodeOptimizerState(const ModelInfo& info, const kernels::cnn::Sequential& network,
                                 const std::string& optimizer);

/// A decoded optimizer.safetensors.
struct OptimizerState {
  std::string source;     ///< the file, for messages
  std::string optimizer;  ///< sgd, adam or adamw
  std::int64_t step = 0;  ///< updates made
  SafetensorsFile file;
};

/// Parses optimizer.safetensors bytes. Throws std::runtime_error naming `source` for a file that
/// is not safetensors, or metadata without a known optimizer or a step count >= 0.
OptimizerState DecodeOptimizerState(const std::string& bytes, const std::string& source);

/// Sets the network's optimiser state from `state`: every tensor present with its parameter's
/// shape and finite values (LoadStoredTensor's messages), and the step count. Throws
/// std::runtime_error naming the file when its optimizer's state has another form than that of
/// `optimizer` ("SOURCE: holds sgd state, not adam state").
void ApplyOptimizerState(const OptimizerState& state, const ModelInfo& info,
                         const std::string& optimizer, kernels::cnn::Sequential& network);

}  // namespace ctp::native
