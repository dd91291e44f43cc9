// BatchNorm on the CPU: channels split across threads; per-channel sums in double.
#include "ctp/kernels/cnn/batch_norm.h"

#include <cmath>
#include <stdexcept>

#include "cpu_parallel.h"
#include "cuda_ops.h"

namespace ctp::kernels::cnn {
namespace {

void CheckChannelTensors(const Shape& x, std::initializer_list<const Tensor*> per_channel) {
  for (const Tensor* tensor : per_channel) CheckShape(*tensor, {x.c, 1, 1, 1}, "BatchNorm");
}

/// Calls visit(value_index) for every element of channel c, image by image.
template <typename Visit>
void ForEachInChannel(const Shape& shape, std::size_t c, Visit visit) {
  const std::size_t plane = std::size_t(shape.h) * shape.w;
  for (std::size_t n = 0; n < std::size_t(shape.n); ++n) {
    const std::size_t base = (n * shape.c + c) * plane;
    for (std::size_t i = 0; i < plane; ++i) visit(base + i);
  }
}

/// Runs per_channel(c) for every channel, channels split across threads.
template <typename PerChannel>
void ForEachChannel(const Shape& shape, PerChannel per_channel) {
  detail::ParallelFor(shape.c, shape.Count() / shape.c, [&](std::size_t begin, std::size_t end) {
    for (std::size_t c = begin; c < end; ++c) per_channel(c);
  });
}

}  // namespace

void BatchNormForwardTrain(const BatchNormOptions& options, const Tensor& x, const Tensor& gamma,
                           const Tensor& beta, Tensor& running_mean, Tensor& running_var, Tensor& y,
                           Tensor& saved_mean, Tensor& saved_inv_std) {
  const Shape& shape = x.shape();
  CheckChannelTensors(shape,
                      {&gamma, &beta, &running_mean, &running_var, &saved_mean, &saved_inv_std});
  CheckShape(y, shape, "BatchNormForwardTrain y");
  CheckDevice(x.device(),
              {&gamma, &beta, &running_mean, &running_var, &y, &saved_mean, &saved_inv_std});
  const double count = double(shape.Count() / shape.c);
  if (count < 2) throw std::invalid_argument("BatchNorm: training needs > 1 value per channel");
#ifdef CTP_HAVE_CUDA
  if (x.device() == Device::kCuda)
    return cuda::BatchNormForwardTrain(options, x, gamma, beta, running_mean, running_var, y,
                                       saved_mean, saved_inv_std);
#endif
  const float* in = x.data();
  ForEachChannel(shape, [&](std::size_t c) {
    double sum = 0.0, squares = 0.0;
    ForEachInChannel(shape, c, [&](std::size_t i) { sum += in[i]; });
    const double mean = sum / count;
    ForEachInChannel(shape, c, [&](std::size_t i) { squares += (in[i] - mean) * (in[i] - mean); });
    const double variance = squares / count;
    const float inv_std = float(1.0 / std::sqrt(variance + options.eps));
    const float scale = gamma.data()[c] * inv_std, shift = beta.data()[c];
    const float mean_f = float(mean);
    ForEachInChannel(shape, c,
                     [&](std::size_t i) { y.data()[i] = (in[i] - mean_f) * scale + shift; });
    saved_mean.data()[c] = mean_f;
    saved_inv_std.data()[c] = inv_std;
    const float m = options.momentum;
    running_mean.data()[c] = (1.0f - m) * running_mean.data()[c] + m * mean_f;
    running_var.data()[c] =
        (1.0f - m) * running_var.data()[c] + m * float(variance * count / (count - 1.0));
  });
}

void BatchNormForwardEval(const BatchNormOptions& options, const Tensor& x, const Tensor& gamma,
                          const Tensor& beta, const Tensor& running_mean, const Tensor& running_var,
                          Tensor& y) {
  const Shape& shape = x.shape();
  CheckChannelTensors(shape, {&gamma, &beta, &running_mean, &running_var});
  CheckShape(y, shape, "BatchNormForwardEval y");
  CheckDevice(x.device(), {&gamma, &beta, &running_mean, &running_var, &y});
#ifdef CTP_HAVE_CUDA
  if (x.device() == Device::kCuda)
    return cuda::BatchNormForwardEval(options, x, gamma, beta, running_mean, running_var, y);
#endif
  ForEachChannel(shape, [&](std::size_t c) {
    const float scale = gamma.data()[c] / std::sqrt(running_var.data()[c] + options.eps);
    const float mean = running_mean.data()[c], shift = beta.data()[c];
    ForEachInChannel(shape, c,
                     [&](std::size_t i) { y.data()[i] = (x.data()[i] - mean) * scale + shift; });
  });
}

void BatchNormBackward(const Tensor& x, const Tensor& gamma, const Tensor& saved_mean,
                       const Tensor& saved_inv_std, const Tensor& dy, Tensor& dx, Tensor& dgamma,
                       Tensor& dbeta) {
  const Shape& shape = x.shape();
  CheckChannelTensors(shape, {&gamma, &saved_mean, &saved_inv_std, &dgamma, &dbeta});
  CheckShape(dy, shape, "BatchNormBackward dy");
  CheckShape(dx, shape, "BatchNormBackward dx");
  CheckDevice(x.device(), {&gamma, &saved_mean, &saved_inv_std, &dy, &dx, &dgamma, &dbeta});
#ifdef CTP_HAVE_CUDA
  if (x.device() == Device::kCuda)
    return cuda::BatchNormBackward(x, gamma, saved_mean, saved_inv_std, dy, dx, dgamma, dbeta);
#endif
  const float count = float(shape.Count() / shape.c);
  ForEachChannel(shape, [&](std::size_t c) {
    const float mean = saved_mean.data()[c], inv_std = saved_inv_std.data()[c];
    double sum_dy = 0.0, sum_dy_xhat = 0.0;
    ForEachInChannel(shape, c, [&](std::size_t i) {
      sum_dy += dy.data()[i];
      sum_dy_xhat += dy.data()[i] * (x.data()[i] - mean) * inv_std;
    });
    dbeta.data()[c] = float(sum_dy);
    dgamma.data()[c] = float(sum_dy_xhat);
    const float mean_dy = float(sum_dy) / count, mean_dy_xhat = float(sum_dy_xhat) / count;
    const float scale = gamma.data()[c] * inv_std;
    ForEachInChannel(shape, c, [&](std::size_t i) {
      const float xhat = (x.data()[i] - mean) * inv_std;
      dx.data()[i] = scale * (dy.data()[i] - mean_dy - xhat * mean_dy_xhat);
    });
  });
}

}  // namespace ctp::kernels::cnn
