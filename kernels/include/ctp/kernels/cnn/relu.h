// Rectified linear unit.
#pragma once

#include "ctp/kernels/cnn/tensor.h"

namespace ctp::kernels::cnn {

/// y = max(x, 0). y may be x (in place); shapes equal.
void ReluForward(const Tensor& x, Tensor& y);

/// dx = dy where y > 0, else 0 (the derivative at 0 is taken as 0, like PyTorch).
/// Uses the forward output y; dx may be dy (in place).
void ReluBackward(const Tensor& y, const Tensor& dy, Tensor& dx);

}  // namespace ctp::kernels::cnn
