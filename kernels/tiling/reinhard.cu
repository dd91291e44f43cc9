// CUDA twins of Reinhard statistics (per-thread double sums, block reduction, global atomics)
// and of the per-pixel mapping (same ReinhardPixel as the CPU).
#include "cuda_common.cuh"
#include "cuda_ops.h"
#include "pixel_ops.h"

namespace ctp::kernels::tiling::cuda {
namespace {

constexpr int kStatsThreads = 256;

/// sums[0..2] += l, alpha, beta; sums[3..5] += their squares.
__global__ void LabSumsKernel(const std::uint8_t* rgb, std::size_t n, int channels, double* sums) {
  __shared__ double partial[6][kStatsThreads];
  double local[6] = {0, 0, 0, 0, 0, 0};
  const std::size_t step = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  for (std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x; i < n;
       i += step) {
    const std::uint8_t* px = rgb + i * channels;
    float lab[3];
    detail::PixelToLab(px, lab);
    for (int c = 0; c < 3; ++c) {
      local[c] += lab[c];
      local[3 + c] += static_cast<double>(lab[c]) * lab[c];
    }
  }
  for (int k = 0; k < 6; ++k) partial[k][threadIdx.x] = local[k];
  __syncthreads();
  for (int half = kStatsThreads / 2; half > 0; half /= 2) {
    if (threadIdx.x < half)
      for (int k = 0; k < 6; ++k) partial[k][threadIdx.x] += partial[k][threadIdx.x + half];
    __syncthreads();
  }
  if (threadIdx.x < 6) atomicAdd(&sums[threadIdx.x], partial[threadIdx.x][0]);
}

__global__ void ReinhardKernel(const std::uint8_t* src, std::size_t n, int channels,
                               detail::ReinhardMap map, std::uint8_t* dst) {
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (i >= n) return;
  detail::ReinhardPixel(src + i * channels, map, dst + i * channels);
  if (channels == 4) dst[i * 4 + 3] = src[i * 4 + 3];
}

}  // namespace

LabStats ComputeLabStats(ConstImageU8 rgb) {
  const std::size_t n = rgb.Pixels();
  if (n == 0) return LabStats{};
  DeviceBuffer<std::uint8_t> in = UploadImage(rgb);
  DeviceBuffer<double> sums(6);
  sums.SetZero();
  const unsigned blocks = BlocksFor(n, kStatsThreads * 16);
  LabSumsKernel<<<blocks, kStatsThreads>>>(in.get(), n, rgb.channels, sums.get());
  CTP_CUDA_CHECK_LAUNCH();
  double host[6];
  sums.Download(host, 6);
  return detail::StatsFromSums(host, host + 3, static_cast<double>(n));
}

void ApplyReinhard(ConstImageU8 src, const LabStats& source, const LabStats& target, ImageU8 dst) {
  const std::size_t n = src.Pixels();
  if (n == 0) return;
  DeviceBuffer<std::uint8_t> in = UploadImage(src);
  DeviceBuffer<std::uint8_t> out(n * src.channels);
  ReinhardKernel<<<BlocksFor(n), 256>>>(in.get(), n, src.channels,
                                        detail::MakeReinhardMap(source, target), out.get());
  CTP_CUDA_CHECK_LAUNCH();
  DownloadImage(out, dst);
}

}  // namespace ctp::kernels::tiling::cuda
