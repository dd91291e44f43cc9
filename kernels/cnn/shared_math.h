// Internal: the per-element rules that the CPU kernels and their CUDA twins share, written once
// as host/device inline functions so the two paths cannot drift apart.
#pragma once

#include <cmath>
#include <cstdint>

#include "ctp/kernels/cnn/optimizer.h"
#include "ctp/kernels/cnn/random.h"

namespace ctp::kernels::cnn::detail {

/// Offset (row · width + column) of the first maximum of the k×k window at (row0, column0).
CTP_HOST_DEVICE inline int WindowArgMax(const float* plane, int width, int row0, int column0,
                                        int k) {
  int best = row0 * width + column0;
  for (int dy = 0; dy < k; ++dy) {
    for (int dx = 0; dx < k; ++dx) {
      int offset = (row0 + dy) * width + column0 + dx;
      if (plane[offset] > plane[best]) best = offset;
    }
  }
  return best;
}

/// Dropout's multiplier for element `index`: 1/(1 − p) when kept, 0 when dropped.
CTP_HOST_DEVICE inline float DropoutScale(float p, std::uint64_t seed, std::uint64_t index) {
  return CounterUniform(seed, index) >= p ? 1.0f / (1.0f - p) : 0.0f;
}

/// Scalars of one SGD step (see SgdStep).
struct SgdScalars {
  float learning_rate, momentum, dampening, weight_decay;
  bool nesterov, first_step;
};

/// One element of SgdStep: updates param and buffer in place.
CTP_HOST_DEVICE inline void SgdUpdate(const SgdScalars& s, float grad, float& param,
                                      float& buffer) {
  float g = grad + s.weight_decay * param;
  if (s.momentum != 0.0f) {
    buffer = s.first_step ? g : s.momentum * buffer + (1.0f - s.dampening) * g;
    g = s.nesterov ? g + s.momentum * buffer : buffer;
  }
  param -= s.learning_rate * g;
}

/// Scalars of one Adam step (see AdamStep); the bias corrections are computed on the host.
struct AdamScalars {
  float learning_rate, beta1, beta2, eps, weight_decay;
  bool decoupled_weight_decay;
  float bias_correction1, bias_correction2_sqrt;
};

/// One element of AdamStep: updates param and both moments in place.
CTP_HOST_DEVICE inline void AdamUpdate(const AdamScalars& s, float grad, float& param, float& m,
                                       float& v) {
  if (s.decoupled_weight_decay) {
    param *= 1.0f - s.learning_rate * s.weight_decay;
  } else {
    grad += s.weight_decay * param;
  }
  m = s.beta1 * m + (1.0f - s.beta1) * grad;
  v = s.beta2 * v + (1.0f - s.beta2) * grad * grad;
  float denominator = sqrtf(v) / s.bias_correction2_sqrt + s.eps;
  param -= (s.learning_rate / s.bias_correction1) * m / denominator;
}

/// SgdScalars for one step of SgdStep.
inline SgdScalars MakeSgdScalars(const SgdOptions& o, float learning_rate, std::int64_t step) {
  return {learning_rate, o.momentum, o.dampening, o.weight_decay, o.nesterov, step == 1};
}

/// AdamScalars for step t of AdamStep: the bias corrections 1 − β1ᵗ and √(1 − β2ᵗ).
inline AdamScalars MakeAdamScalars(const AdamOptions& o, float learning_rate, std::int64_t step) {
  const double t = double(step);
  return {learning_rate,
          o.beta1,
          o.beta2,
          o.eps,
          o.weight_decay,
          o.decoupled_weight_decay,
          float(1.0 - std::pow(double(o.beta1), t)),
          float(std::sqrt(1.0 - std::pow(double(o.beta2), t)))};
}

}  // namespace ctp::kernels::cnn::detail
