// Inverted dropout with a counter-based mask: the mask is a function of (seed, element index),
// so the backward regenerates it instead of storing it, and CPU and CUDA agree bit for bit.
#pragma once

#include <cstdint>

#include "ctp/kernels/cnn/tensor.h"

namespace ctp::kernels::cnn {

/// y[i] = x[i] / (1 − p) when CounterUniform(seed, i) ≥ p, else 0. p in [0, 1); y may be x.
/// Use a fresh seed per step (e.g. base seed + step) and the same seed in the backward.
void DropoutForward(float p, std::uint64_t seed, const Tensor& x, Tensor& y);

/// dx[i] = dy[i] / (1 − p) where the forward kept element i, else 0. dx may be dy.
void DropoutBackward(float p, std::uint64_t seed, const Tensor& dy, Tensor& dx);

}  // namespace ctp::kernels::cnn
