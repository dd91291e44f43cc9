// CUDA twins of histogram (per-block shared-memory bins, then global atomics) and thresholding.
#include <algorithm>

#include "cuda_common.cuh"
#include "cuda_ops.h"
#include "pixel_ops.h"

namespace ctp::kernels::tiling::cuda {
namespace {

__global__ void HistogramKernel(const std::uint8_t* values, std::size_t n,
                                unsigned long long* bins) {
  __shared__ unsigned int local[256];
  for (int b = threadIdx.x; b < 256; b += blockDim.x) local[b] = 0;
  __syncthreads();
  const std::size_t step = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  for (std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x; i < n;
       i += step)
    atomicAdd(&local[values[i]], 1u);
  __syncthreads();
  for (int b = threadIdx.x; b < 256; b += blockDim.x)
    if (local[b] != 0) atomicAdd(&bins[b], static_cast<unsigned long long>(local[b]));
}

__global__ void ThresholdKernel(const std::uint8_t* values, std::size_t n, int threshold,
                                bool above, std::uint8_t* mask) {
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (i < n) mask[i] = detail::IsTissue(values[i], threshold, above);
}

}  // namespace

Histogram256 ComputeHistogram(ConstImageU8 channel) {
  Histogram256 histogram{};
  const std::size_t n = channel.Pixels();
  if (n == 0) return histogram;
  DeviceBuffer<std::uint8_t> in = UploadImage(channel);
  DeviceBuffer<unsigned long long> bins(256);
  bins.SetZero();
  // Each block owns up to 64 values per thread: few global atomics, enough blocks to fill the GPU.
  const unsigned blocks = std::min(BlocksFor(n, 256 * 64), 1024u);
  HistogramKernel<<<blocks, 256>>>(in.get(), n, bins.get());
  CTP_CUDA_CHECK_LAUNCH();
  unsigned long long host[256];
  bins.Download(host, 256);
  for (int b = 0; b < 256; ++b) histogram[b] = host[b];
  return histogram;
}

void ThresholdMask(ConstImageU8 channel, int threshold, Polarity polarity, ImageU8 mask) {
  const std::size_t n = channel.Pixels();
  if (n == 0) return;
  DeviceBuffer<std::uint8_t> in = UploadImage(channel);
  DeviceBuffer<std::uint8_t> out(n);
  ThresholdKernel<<<BlocksFor(n), 256>>>(in.get(), n, threshold, polarity == Polarity::kAbove,
                                         out.get());
  CTP_CUDA_CHECK_LAUNCH();
  DownloadImage(out, mask);
}

}  // namespace ctp::kernels::tiling::cuda
