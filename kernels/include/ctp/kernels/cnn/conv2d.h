// 2-D convolution (PyTorch Conv2d, groups 1, dilation 1, square kernel, no bias: see bias_add.h).
#pragma once

#include "ctp/kernels/cnn/tensor.h"

namespace ctp::kernels::cnn {

/// Kernel size, stride and zero padding of a square convolution.
struct Conv2dGeometry {
  int kernel = 3;
  int stride = 1;
  int padding = 0;
};

/// Output shape {N, Cout, Ho, Wo} for input x {N, Cin, H, W} and weight {Cout, Cin, K, K};
/// Ho = (H + 2 * padding - K) / stride + 1. Throws std::invalid_argument on mismatch.
Shape Conv2dOutputShape(const Shape& x, const Shape& weight, const Conv2dGeometry& geometry);

/// y[n,co,i,j] = Σ_{ci,ky,kx} w[co,ci,ky,kx] · x[n, ci, i·s − p + ky, j·s − p + kx] (zero outside).
/// Per image: y_n[Cout, Ho·Wo] = W[Cout, Cin·K·K] · im2col(x_n)[Cin·K·K, Ho·Wo].
/// y must have Conv2dOutputShape; all tensors on one device.
void Conv2dForward(const Conv2dGeometry& geometry, const Tensor& x, const Tensor& weight,
                   Tensor& y);

/// Gradients of Conv2dForward given dy = ∂L/∂y:
///   dW = Σ_n dy_n · im2col(x_n)ᵀ,   dx_n = col2im(Wᵀ · dy_n).
/// dweight is overwritten; dx (overwritten) may be null when the input needs no gradient.
void Conv2dBackward(const Conv2dGeometry& geometry, const Tensor& x, const Tensor& weight,
                    const Tensor& dy, Tensor* dx, Tensor& dweight);

}  // namespace ctp::kernels::cnn
