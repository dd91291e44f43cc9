// Global average pooling: one mean per channel.
#pragma once

#include "ctp/kernels/cnn/tensor.h"

namespace ctp::kernels::cnn {

/// y[n,c] = mean_{h,w} x[n,c,h,w]; y has shape {N, C, 1, 1}.
void GlobalAvgPoolForward(const Tensor& x, Tensor& y);

/// dx[n,c,h,w] = dy[n,c] / (H·W); dx's shape gives H and W. dx is overwritten.
void GlobalAvgPoolBackward(const Tensor& dy, Tensor& dx);

}  // namespace ctp::kernels::cnn
