#include "cuda_common.cuh"

namespace ctp::kernels::cnn::cuda {
namespace {

__global__ void SumKernel(const float* values, std::size_t count, float* total) {
  float partial = 0.0f;
  for (std::size_t i = threadIdx.x; i < count; i += blockDim.x) partial += values[i];
  const float sum = BlockSum(partial);
  if (threadIdx.x == 0) *total = sum;
}

}  // namespace

float SumToHost(const float* values, std::size_t count) {
  DeviceBuffer<float> total(1);
  SumKernel<<<1, 1024>>>(values, count, total.get());
  CTP_CUDA_CHECK_LAUNCH();
  float result = 0.0f;
  total.Download(&result, 1);
  return result;
}

}  // namespace ctp::kernels::cnn::cuda
