// Per-channel bias, the bias of conv and linear layers.
#pragma once

#include "ctp/kernels/cnn/tensor.h"

namespace ctp::kernels::cnn {

/// In place: y[n,c,h,w] += b[c], with bias {C, 1, 1, 1} and y {N, C, H, W}.
void BiasAddForward(const Tensor& bias, Tensor& y);

/// db[c] = Σ_{n,h,w} dy[n,c,h,w] (overwrites dbias). The input gradient is dy itself.
void BiasAddBackward(const Tensor& dy, Tensor& dbias);

}  // namespace ctp::kernels::cnn
