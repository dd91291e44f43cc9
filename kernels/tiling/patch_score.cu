// CUDA twins of the integral image (block-per-row scan, then thread-per-column sums) and of
// patch scoring (one thread per box, same BoxFraction as the CPU).
#include "cuda_common.cuh"
#include "cuda_ops.h"
#include "pixel_ops.h"

namespace ctp::kernels::tiling::cuda {
namespace {

constexpr int kScanThreads = 256;

/// Row y of the mask -> row y + 1 of the integral, columns 1..w: inclusive prefix counts.
__global__ void RowScanKernel(const std::uint8_t* mask, int width, std::uint32_t* integral,
                              std::size_t stride) {
  __shared__ std::uint32_t scan[kScanThreads];
  const std::uint8_t* in = mask + static_cast<std::size_t>(blockIdx.x) * width;
  std::uint32_t* out = integral + (blockIdx.x + 1) * stride + 1;
  std::uint32_t carry = 0;
  for (int base = 0; base < width; base += kScanThreads) {
    const int x = base + threadIdx.x;
    scan[threadIdx.x] = x < width && in[x] != 0 ? 1u : 0u;
    __syncthreads();
    for (int offset = 1; offset < kScanThreads; offset *= 2) {  // Hillis-Steele
      const std::uint32_t add = threadIdx.x >= offset ? scan[threadIdx.x - offset] : 0u;
      __syncthreads();
      scan[threadIdx.x] += add;
      __syncthreads();
    }
    if (x < width) out[x] = carry + scan[threadIdx.x];
    carry += scan[kScanThreads - 1];
    __syncthreads();
  }
}

/// Column x: running sums down the rows (coalesced across threads).
__global__ void ColumnSumKernel(std::uint32_t* integral, int columns, int rows,
                                std::size_t stride) {
  const int x = blockIdx.x * blockDim.x + threadIdx.x;
  if (x >= columns) return;
  for (int y = 1; y < rows; ++y) integral[y * stride + x] += integral[(y - 1) * stride + x];
}

__global__ void ScoreKernel(const std::uint32_t* integral, std::size_t stride, int mask_width,
                            int mask_height, const PatchBox* boxes, std::size_t n, MaskScale scale,
                            float* fractions) {
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (i < n)
    fractions[i] = detail::BoxFraction(integral, static_cast<std::ptrdiff_t>(stride), mask_width,
                                       mask_height, boxes[i], scale);
}

}  // namespace

void IntegralImage(ConstImageU8 mask, ImageU32 integral) {
  DeviceBuffer<std::uint8_t> in = UploadImage(mask);
  const std::size_t stride = integral.width;
  DeviceBuffer<std::uint32_t> out(integral.Pixels());
  out.SetZero();
  if (mask.Pixels() > 0) {
    RowScanKernel<<<mask.height, kScanThreads>>>(in.get(), mask.width, out.get(), stride);
    CTP_CUDA_CHECK_LAUNCH();
    ColumnSumKernel<<<BlocksFor(integral.width), 256>>>(out.get(), integral.width, integral.height,
                                                        stride);
    CTP_CUDA_CHECK_LAUNCH();
  }
  DownloadImage(out, integral);
}

void ScorePatches(ConstImageU32 integral, std::span<const PatchBox> boxes, MaskScale scale,
                  std::span<float> fractions) {
  if (boxes.empty()) return;
  DeviceBuffer<std::uint32_t> table = UploadImage(integral);
  DeviceBuffer<PatchBox> device_boxes(boxes.size());
  device_boxes.Upload(boxes.data(), boxes.size());
  DeviceBuffer<float> out(boxes.size());
  ScoreKernel<<<BlocksFor(boxes.size()), 256>>>(table.get(), integral.width, integral.width - 1,
                                                integral.height - 1, device_boxes.get(),
                                                boxes.size(), scale, out.get());
  CTP_CUDA_CHECK_LAUNCH();
  out.Download(fractions.data(), fractions.size());
}

}  // namespace ctp::kernels::tiling::cuda
