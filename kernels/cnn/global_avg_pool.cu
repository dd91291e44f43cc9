#include "cuda_common.cuh"
#include "cuda_ops.h"

namespace ctp::kernels::cnn::cuda {
namespace {

/// One block per (n, c) plane.
__global__ void PlaneMeanKernel(const float* x, std::size_t plane, float* y) {
  const float* values = x + blockIdx.x * plane;
  float partial = 0.0f;
  for (std::size_t i = threadIdx.x; i < plane; i += blockDim.x) partial += values[i];
  const float sum = BlockSum(partial);
  if (threadIdx.x == 0) y[blockIdx.x] = sum / float(plane);
}

}  // namespace

void GlobalAvgPoolForward(const Tensor& x, Tensor& y) {
  const std::size_t plane = std::size_t(x.shape().h) * x.shape().w;
  PlaneMeanKernel<<<unsigned(y.size()), kBlockThreads>>>(x.data(), plane, y.data());
  CTP_CUDA_CHECK_LAUNCH();
}

void GlobalAvgPoolBackward(const Tensor& dy, Tensor& dx) {
  const std::size_t plane = std::size_t(dx.shape().h) * dx.shape().w;
  const float* upstream = dy.data();
  float* gradient = dx.data();
  ForEachIndex(dx.size(),
               [=] __device__(std::size_t i) { gradient[i] = upstream[i / plane] / float(plane); });
}

}  // namespace ctp::kernels::cnn::cuda
