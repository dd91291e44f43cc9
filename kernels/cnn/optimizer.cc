#include "ctp/kernels/cnn/optimizer.h"

#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>

#include "cpu_parallel.h"
#include "cuda_ops.h"
#include "shared_math.h"

namespace ctp::kernels::cnn {
namespace {

void CheckStateTensors(const Tensor& param, std::initializer_list<const Tensor*> state,
                       std::int64_t step, const char* what) {
  if (step < 1) throw std::invalid_argument(std::string(what) + ": step counts from 1");
  for (const Tensor* tensor : state) CheckShape(*tensor, param.shape(), what);
  CheckDevice(param.device(), state);
}

}  // namespace

void SgdStep(const SgdOptions& options, float learning_rate, std::int64_t step, Tensor& param,
             const Tensor& grad, Tensor& momentum_buffer) {
  CheckStateTensors(param, {&grad, &momentum_buffer}, step, "SgdStep");
#ifdef CTP_HAVE_CUDA
  if (param.device() == Device::kCuda)
    return cuda::SgdStep(options, learning_rate, step, param, grad, momentum_buffer);
#endif
  const detail::SgdScalars scalars = detail::MakeSgdScalars(options, learning_rate, step);
  detail::ParallelFor(param.size(), 4, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i)
      detail::SgdUpdate(scalars, grad.data()[i], param.data()[i], momentum_buffer.data()[i]);
  });
}

void AdamStep(const AdamOptions& options, float learning_rate, std::int64_t step, Tensor& param,
              const Tensor& grad, Tensor& exp_avg, Tensor& exp_avg_sq) {
  CheckStateTensors(param, {&grad, &exp_avg, &exp_avg_sq}, step, "AdamStep");
#ifdef CTP_HAVE_CUDA
  if (param.device() == Device::kCuda)
    return cuda::AdamStep(options, learning_rate, step, param, grad, exp_avg, exp_avg_sq);
#endif
  const detail::AdamScalars scalars = detail::MakeAdamScalars(options, learning_rate, step);
  detail::ParallelFor(param.size(), 8, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i)
      detail::AdamUpdate(scalars, grad.data()[i], param.data()[i], exp_avg.data()[i],
                         exp_avg_sq.data()[i]);
  });
}

LearningRateSchedule LearningRateSchedule::Constant(float base) { return {Kind::kConstant, base}; }

LearningRateSchedule LearningRateSchedule::Step(float base, std::int64_t step_size, float gamma) {
  if (step_size < 1) throw std::invalid_argument("LearningRateSchedule::Step: step_size < 1");
  return {Kind::kStep, base, step_size, gamma};
}

LearningRateSchedule LearningRateSchedule::Cosine(float base, std::int64_t total_steps,
                                                  float min_lr) {
  if (total_steps < 1) throw std::invalid_argument("LearningRateSchedule::Cosine: total_steps < 1");
  return {Kind::kCosine, base, 1, 0.1f, total_steps, min_lr};
}

float LearningRateSchedule::At(std::int64_t step) const {
  switch (kind) {
    case Kind::kConstant:
      return base;
    case Kind::kStep:
      return base * std::pow(gamma, float(step / step_size));
    case Kind::kCosine: {
      const double t = double(std::min(step, total_steps)) / double(total_steps);
      return float(min_lr + (base - min_lr) * (1.0 + std::cos(std::numbers::pi * t)) / 2.0);
    }
  }
  return base;
}

}  // namespace ctp::kernels::cnn
