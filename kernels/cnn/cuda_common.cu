#include "cuda_common.cuh"

#include <cstdint>

namespace ctp::kernels::cnn::cuda {
namespace {

__global__ void SumKernel(const float* values, std::size_t count, float* total) {
  float partial = 0.0f;
  for (std::size_t i = threadIdx.x; i < count; i += blockDim.x) partial += values[i];
  const float sum = BlockSum(partial);
  if (threadIdx.x == 0) *total = sum;
}

}  // namespace

void RetainScratchPool() {
  static const bool retained = [] {
    int device = 0;
    cudaMemPool_t pool = nullptr;
    CTP_CUDA_CHECK(cudaGetDevice(&device));
    CTP_CUDA_CHECK(cudaDeviceGetDefaultMemPool(&pool, device));
    std::uint64_t keep_everything = UINT64_MAX;
    CTP_CUDA_CHECK(
        cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &keep_everything));
    return true;
  }();
  (void)retained;
}

float SumToHost(const float* values, std::size_t count) {
  DeviceScratch total(1);
  SumKernel<<<1, 1024>>>(values, count, total.get());
  CTP_CUDA_CHECK_LAUNCH();
  float result = 0.0f;
  CTP_CUDA_CHECK(cudaMemcpy(&result, total.get(), sizeof(float), cudaMemcpyDeviceToHost));
  return result;
}

}  // namespace ctp::kernels::cnn::cuda
