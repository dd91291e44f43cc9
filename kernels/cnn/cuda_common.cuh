// Internal, CUDA only: launch sizes, scratch memory (the shared DeviceBuffer) and block reductions
// shared by the CNN's *.cu files.
#pragma once

#include <cuda_runtime.h>

#include <algorithm>
#include <cstddef>

#include "ctp/kernels/cuda_check.h"
#include "ctp/kernels/device_buffer.h"

namespace ctp::kernels::cnn::cuda {

/// Threads per block for element-wise and reduction kernels.
constexpr int kBlockThreads = 256;

/// Blocks for a grid-stride loop over `count` elements.
inline unsigned BlocksFor(std::size_t count) {
  return unsigned(std::clamp<std::size_t>((count + kBlockThreads - 1) / kBlockThreads, 1, 1 << 16));
}

/// Scratch memory of the twins (im2col columns, permuted gradients, partial sums).
using ::ctp::kernels::cuda::DeviceBuffer;

/// Sum of `value` over the block (blockDim.x a multiple of 32, at most 1024), in a fixed order;
/// the result is valid in every thread. Every thread of the block must call it.
__device__ inline float BlockSum(float value) {
  __shared__ float warp_sums[32];
  for (int offset = 16; offset > 0; offset >>= 1)
    value += __shfl_down_sync(0xffffffffu, value, offset);
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  __syncthreads();  // warp_sums may still be read by a previous call
  if (lane == 0) warp_sums[warp] = value;
  __syncthreads();
  float total = 0.0f;
  const int warps = blockDim.x / 32;
  for (int w = 0; w < warps; ++w) total += warp_sums[w];
  return total;
}

template <typename Body>
__global__ void ForEachIndexKernel(std::size_t count, Body body) {
  for (std::size_t i = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x; i < count;
       i += std::size_t(gridDim.x) * blockDim.x)
    body(i);
}

/// Runs the __device__ lambda body(i) for every i in [0, count) (needs nvcc --extended-lambda).
template <typename Body>
void ForEachIndex(std::size_t count, Body body) {
  if (count == 0) return;
  ForEachIndexKernel<<<BlocksFor(count), kBlockThreads>>>(count, body);
  CTP_CUDA_CHECK_LAUNCH();
}

/// Σ values[0..count) computed on the device and copied back (synchronises the stream).
float SumToHost(const float* values, std::size_t count);

}  // namespace ctp::kernels::cnn::cuda

/// Grid-stride loop over [0, count) with index variable `i` (std::size_t).
#define CTP_GRID_STRIDE_LOOP(i, count)                                                  \
  for (std::size_t i = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x; i < (count); \
       i += std::size_t(gridDim.x) * blockDim.x)
