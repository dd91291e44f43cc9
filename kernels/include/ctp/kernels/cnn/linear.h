// Fully connected layer without bias (PyTorch Linear's weight layout; bias: see bias_add.h).
#pragma once

#include "ctp/kernels/cnn/tensor.h"

namespace ctp::kernels::cnn {

/// y[N, Out] = x[N, In] · Wᵀ with W {Out, In, 1, 1}; x's C·H·W is flattened to In (NCHW order).
/// y has shape {N, Out, 1, 1}.
void LinearForward(const Tensor& x, const Tensor& weight, Tensor& y);

/// Gradients: dx = dy · W (shaped like x), dW = dyᵀ · x. dweight is overwritten; dx may be null.
void LinearBackward(const Tensor& x, const Tensor& weight, const Tensor& dy, Tensor* dx,
                    Tensor& dweight);

}  // namespace ctp::kernels::cnn
