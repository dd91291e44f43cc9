// Batch normalisation over N, H, W per channel (PyTorch BatchNorm2d, affine, tracking stats).
#pragma once

#include "ctp/kernels/cnn/tensor.h"

namespace ctp::kernels::cnn {

/// eps inside the square root; momentum of the running statistics (PyTorch's convention:
/// running = (1 − momentum) · running + momentum · batch).
struct BatchNormOptions {
  float eps = 1e-5f;
  float momentum = 0.1f;
};

/// Training: μ_c, σ²_c = mean and biased variance of x over (n, h, w); x̂ = (x − μ) / √(σ² + eps);
/// y = γ·x̂ + β. Updates the running mean and the running variance (with the unbiased variance
/// M/(M−1)·σ², M = N·H·W). Saves μ and 1/√(σ² + eps) into saved_mean, saved_inv_std ({C,1,1,1}).
/// gamma, beta, the running stats and the saved tensors are per channel, {C, 1, 1, 1}.
void BatchNormForwardTrain(const BatchNormOptions& options, const Tensor& x, const Tensor& gamma,
                           const Tensor& beta, Tensor& running_mean, Tensor& running_var, Tensor& y,
                           Tensor& saved_mean, Tensor& saved_inv_std);

/// Evaluation: y = γ · (x − running_mean) / √(running_var + eps) + β.
void BatchNormForwardEval(const BatchNormOptions& options, const Tensor& x, const Tensor& gamma,
                          const Tensor& beta, const Tensor& running_mean, const Tensor& running_var,
                          Tensor& y);

/// Gradients of the training forward, with M = N·H·W and g = dy·γ:
///   dβ = Σ dy,  dγ = Σ dy·x̂,  dx = (1/√(σ²+eps)) · (g − mean(g) − x̂ · mean(g·x̂)).
/// dx, dgamma, dbeta are overwritten.
void BatchNormBackward(const Tensor& x, const Tensor& gamma, const Tensor& saved_mean,
                       const Tensor& saved_inv_std, const Tensor& dy, Tensor& dx, Tensor& dgamma,
                       Tensor& dbeta);

}  // namespace ctp::kernels::cnn
