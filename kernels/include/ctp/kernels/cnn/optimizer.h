// Parameter updates with PyTorch semantics (torch.optim.SGD and torch.optim.Adam / AdamW),
// and learning-rate schedules.
#pragma once

#include <cstdint>

#include "ctp/kernels/cnn/tensor.h"

namespace ctp::kernels::cnn {

/// torch.optim.SGD's options.
struct SgdOptions {
  float momentum = 0.0f;
  float dampening = 0.0f;
  float weight_decay = 0.0f;
  bool nesterov = false;
};

/// One SGD step for one parameter; `step` counts from 1. With g = grad + wd·p:
///   buf = g on step 1, else buf = momentum·buf + (1 − dampening)·g;
///   d = nesterov ? g + momentum·buf : buf  (d = g when momentum is 0);   p −= lr·d.
/// momentum_buffer has the parameter's size (unused when momentum is 0).
void SgdStep(const SgdOptions& options, float learning_rate, std::int64_t step, Tensor& param,
             const Tensor& grad, Tensor& momentum_buffer);

/// torch.optim.Adam's options; decoupled_weight_decay selects AdamW.
struct AdamOptions {
  float beta1 = 0.9f;
  float beta2 = 0.999f;
  float eps = 1e-8f;
  float weight_decay = 0.0f;
  bool decoupled_weight_decay = false;
};

/// One Adam step; `step` = t counts from 1. Adam: g = grad + wd·p. AdamW: p ·= 1 − lr·wd, g = grad.
///   m = β1·m + (1 − β1)·g;  v = β2·v + (1 − β2)·g²;
///   p −= (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + eps).
void AdamStep(const AdamOptions& options, float learning_rate, std::int64_t step, Tensor& param,
              const Tensor& grad, Tensor& exp_avg, Tensor& exp_avg_sq);

/// Learning rate as a function of the step index (0-based: the lr used for the first update is
/// At(0)), matching PyTorch's LR schedulers stepped once per update.
struct LearningRateSchedule {
  enum class Kind { kConstant, kStep, kCosine };
  Kind kind = Kind::kConstant;
  float base = 0.01f;
  std::int64_t step_size = 1;  // kStep: multiply by gamma every step_size steps (StepLR)
  float gamma = 0.1f;
  std::int64_t total_steps = 1;  // kCosine: T_max of CosineAnnealingLR
  float min_lr = 0.0f;           // kCosine: eta_min

  static LearningRateSchedule Constant(float base);
  static LearningRateSchedule Step(float base, std::int64_t step_size, float gamma);
  static LearningRateSchedule Cosine(float base, std::int64_t total_steps, float min_lr = 0.0f);

  /// constant: base; step: base·gamma^⌊t/step_size⌋;
  /// cosine: min + (base − min)·(1 + cos(π·min(t, T)/T))/2.
  float At(std::int64_t step) const;
};

}  // namespace ctp::kernels::cnn
