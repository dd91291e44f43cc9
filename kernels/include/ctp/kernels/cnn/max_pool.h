// Max pooling without padding (PyTorch MaxPool2d(kernel, stride), floor mode).
#pragma once

#include "ctp/kernels/cnn/tensor.h"

namespace ctp::kernels::cnn {

/// Window size and stride of a square max pool.
struct PoolGeometry {
  int kernel = 2;
  int stride = 2;
};

/// {N, C, (H − K) / S + 1, (W − K) / S + 1}. Throws std::invalid_argument when the window is
/// larger than the input.
Shape MaxPoolOutputShape(const Shape& x, const PoolGeometry& geometry);

/// y[n,c,i,j] = max over the K×K window at (i·S, j·S); ties pick the first in row-major order.
void MaxPoolForward(const PoolGeometry& geometry, const Tensor& x, Tensor& y);

/// dx[p] = Σ of dy over the windows whose (first) maximum is p; 0 elsewhere. The argmax is
/// recomputed from x, so no index tensor is kept. dx is overwritten.
void MaxPoolBackward(const PoolGeometry& geometry, const Tensor& x, const Tensor& dy, Tensor& dx);

}  // namespace ctp::kernels::cnn
