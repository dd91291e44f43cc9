// The join of a residual connection: out = main path + skip.
#pragma once

#include "ctp/kernels/cnn/tensor.h"

namespace ctp::kernels::cnn {

/// y = a + b element-wise (same shapes); y may be a or b.
void ResidualAddForward(const Tensor& a, const Tensor& b, Tensor& y);

/// Both inputs receive dy unchanged; this adds dy into a gradient that already holds the other
/// path's contribution: dx += dy (same element counts).
void ResidualAddBackward(const Tensor& dy, Tensor& dx);

}  // namespace ctp::kernels::cnn
