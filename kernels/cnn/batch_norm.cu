// BatchNorm on the device: one block per channel does the channel's reductions and its
// element-wise pass, so no atomics and a fixed summation order.
#include "cuda_common.cuh"
#include "cuda_ops.h"

namespace ctp::kernels::cnn::cuda {
namespace {

/// Where channel c's values of an NCHW tensor are: item k (0 ≤ k < N·H·W) of the channel.
struct ChannelView {
  int batch, channels;
  std::size_t plane;
  __device__ std::size_t Count() const { return std::size_t(batch) * plane; }
  __device__ std::size_t At(int c, std::size_t k) const {
    return (k / plane * channels + c) * plane + k % plane;
  }
};

ChannelView ViewOf(const Shape& s) { return {s.n, s.c, std::size_t(s.h) * s.w}; }

__global__ void ForwardTrainKernel(ChannelView view, BatchNormOptions options, const float* x,
                                   const float* gamma, const float* beta, float* running_mean,
                                   float* running_var, float* y, float* saved_mean,
                                   float* saved_inv_std) {
  const int c = blockIdx.x;
  const std::size_t count = view.Count();
  float partial = 0.0f;
  for (std::size_t k = threadIdx.x; k < count; k += blockDim.x) partial += x[view.At(c, k)];
  const float mean = BlockSum(partial) / float(count);
  partial = 0.0f;
  for (std::size_t k = threadIdx.x; k < count; k += blockDim.x) {
    const float d = x[view.At(c, k)] - mean;
    partial += d * d;
  }
  const float variance = BlockSum(partial) / float(count);
  const float inv_std = rsqrtf(variance + options.eps);
  const float scale = gamma[c] * inv_std, shift = beta[c];
  for (std::size_t k = threadIdx.x; k < count; k += blockDim.x) {
    const std::size_t at = view.At(c, k);
    y[at] = (x[at] - mean) * scale + shift;
  }
  if (threadIdx.x == 0) {
    saved_mean[c] = mean;
    saved_inv_std[c] = inv_std;
    const float m = options.momentum;
    running_mean[c] = (1.0f - m) * running_mean[c] + m * mean;
    running_var[c] = (1.0f - m) * running_var[c] + m * variance * float(count) / float(count - 1);
  }
}

__global__ void BackwardKernel(ChannelView view, const float* x, const float* gamma,
                               const float* saved_mean, const float* saved_inv_std, const float* dy,
                               float* dx, float* dgamma, float* dbeta) {
  const int c = blockIdx.x;
  const std::size_t count = view.Count();
  const float mean = saved_mean[c], inv_std = saved_inv_std[c];
  float partial_dy = 0.0f, partial_dy_xhat = 0.0f;
  for (std::size_t k = threadIdx.x; k < count; k += blockDim.x) {
    const std::size_t at = view.At(c, k);
    partial_dy += dy[at];
    partial_dy_xhat += dy[at] * (x[at] - mean) * inv_std;
  }
  const float sum_dy = BlockSum(partial_dy);
  const float sum_dy_xhat = BlockSum(partial_dy_xhat);
  const float mean_dy = sum_dy / float(count), mean_dy_xhat = sum_dy_xhat / float(count);
  const float scale = gamma[c] * inv_std;
  for (std::size_t k = threadIdx.x; k < count; k += blockDim.x) {
    const std::size_t at = view.At(c, k);
    const float xhat = (x[at] - mean) * inv_std;
    dx[at] = scale * (dy[at] - mean_dy - xhat * mean_dy_xhat);
  }
  if (threadIdx.x == 0) {
    dgamma[c] = sum_dy_xhat;
    dbeta[c] = sum_dy;
  }
}

}  // namespace

void BatchNormForwardTrain(const BatchNormOptions& options, const Tensor& x, const Tensor& gamma,
                           const Tensor& beta, Tensor& running_mean, Tensor& running_var, Tensor& y,
                           Tensor& saved_mean, Tensor& saved_inv_std) {
  ForwardTrainKernel<<<x.shape().c, kBlockThreads>>>(
      ViewOf(x.shape()), options, x.data(), gamma.data(), beta.data(), running_mean.data(),
      running_var.data(), y.data(), saved_mean.data(), saved_inv_std.data());
  CTP_CUDA_CHECK_LAUNCH();
}

void BatchNormForwardEval(const BatchNormOptions& options, const Tensor& x, const Tensor& gamma,
                          const Tensor& beta, const Tensor& running_mean, const Tensor& running_var,
                          Tensor& y) {
  const float *in = x.data(), *g = gamma.data(), *b = beta.data();
  const float *mean = running_mean.data(), *var = running_var.data();
  float* out = y.data();
  const std::size_t plane = std::size_t(x.shape().h) * x.shape().w;
  const int channels = x.shape().c;
  const float eps = options.eps;
  ForEachIndex(x.size(), [=] __device__(std::size_t i) {
    const int c = int((i / plane) % channels);
    out[i] = (in[i] - mean[c]) * (g[c] * rsqrtf(var[c] + eps)) + b[c];
  });
}

void BatchNormBackward(const Tensor& x, const Tensor& gamma, const Tensor& saved_mean,
                       const Tensor& saved_inv_std, const Tensor& dy, Tensor& dx, Tensor& dgamma,
                       Tensor& dbeta) {
  BackwardKernel<<<x.shape().c, kBlockThreads>>>(ViewOf(x.shape()), x.data(), gamma.data(),
                                                 saved_mean.data(), saved_inv_std.data(), dy.data(),
                                                 dx.data(), dgamma.data(), dbeta.data());
  CTP_CUDA_CHECK_LAUNCH();
}

}  // namespace ctp::kernels::cnn::cuda
