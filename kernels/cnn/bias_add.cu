#include "cuda_common.cuh"
#include "cuda_ops.h"

namespace ctp::kernels::cnn::cuda {
namespace {

/// One block per channel: dbias[c] = Σ over images and the plane of dy[n, c].
__global__ void BiasGradientKernel(const float* dy, int batch, int channels, std::size_t plane,
                                   float* dbias) {
  const int c = blockIdx.x;
  float partial = 0.0f;
  for (std::size_t k = threadIdx.x; k < std::size_t(batch) * plane; k += blockDim.x) {
    const std::size_t n = k / plane, i = k % plane;
    partial += dy[(n * channels + c) * plane + i];
  }
  const float sum = BlockSum(partial);
  if (threadIdx.x == 0) dbias[c] = sum;
}

}  // namespace

void BiasAddForward(const Tensor& bias, Tensor& y) {
  const float* b = bias.data();
  float* out = y.data();
  const std::size_t plane = std::size_t(y.shape().h) * y.shape().w;
  const int channels = y.shape().c;
  ForEachIndex(y.size(), [=] __device__(std::size_t i) { out[i] += b[(i / plane) % channels]; });
}

void BiasAddBackward(const Tensor& dy, Tensor& dbias) {
  const Shape& s = dy.shape();
  BiasGradientKernel<<<s.c, kBlockThreads>>>(dy.data(), s.n, s.c, std::size_t(s.h) * s.w,
                                             dbias.data());
  CTP_CUDA_CHECK_LAUNCH();
}

}  // namespace ctp::kernels::cnn::cuda
