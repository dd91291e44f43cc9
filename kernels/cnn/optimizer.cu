#include "cuda_common.cuh"
#include "cuda_ops.h"
#include "shared_math.h"

namespace ctp::kernels::cnn::cuda {

void SgdStep(const SgdOptions& options, float learning_rate, std::int64_t step, Tensor& param,
             const Tensor& grad, Tensor& momentum_buffer) {
  const detail::SgdScalars scalars = detail::MakeSgdScalars(options, learning_rate, step);
  float *p = param.data(), *buffer = momentum_buffer.data();
  const float* g = grad.data();
  ForEachIndex(param.size(), [=] __device__(std::size_t i) {
    detail::SgdUpdate(scalars, g[i], p[i], buffer[i]);
  });
}

void AdamStep(const AdamOptions& options, float learning_rate, std::int64_t step, Tensor& param,
              const Tensor& grad, Tensor& exp_avg, Tensor& exp_avg_sq) {
  const detail::AdamScalars scalars = detail::MakeAdamScalars(options, learning_rate, step);
  float *p = param.data(), *m = exp_avg.data(), *v = exp_avg_sq.data();
  const float* g = grad.data();
  ForEachIndex(param.size(), [=] __device__(std::size_t i) {
    detail::AdamUpdate(scalars, g[i], p[i], m[i], v[i]);
  });
}

}  // namespace ctp::kernels::cnn::cuda
