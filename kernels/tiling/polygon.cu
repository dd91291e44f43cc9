// CUDA twin of polygon rasterisation: one thread per pixel counts even-odd crossings of its
// centre's +x ray (PNPOLY), with the edges staged through shared memory in tiles.
#include "cuda_common.cuh"
#include "cuda_ops.h"
#include "pixel_ops.h"

namespace ctp::kernels::tiling::cuda {
namespace {

constexpr int kEdgeTile = 256;

__global__ void RasterizeKernel(const detail::Edge* edges, int edge_count, std::uint8_t value,
                                int width, int height, std::uint8_t* mask) {
  __shared__ detail::Edge tile[kEdgeTile];
  const int x = blockIdx.x * blockDim.x + threadIdx.x;
  const int y = blockIdx.y * blockDim.y + threadIdx.y;
  const int lane = threadIdx.y * blockDim.x + threadIdx.x;
  const double px = x + 0.5, py = y + 0.5;
  bool inside = false;
  for (int base = 0; base < edge_count; base += kEdgeTile) {
    const int count = min(kEdgeTile, edge_count - base);
    __syncthreads();
    for (int k = lane; k < count; k += blockDim.x * blockDim.y) tile[k] = edges[base + k];
    __syncthreads();
    for (int k = 0; k < count; ++k)
      if (detail::EdgeCrossesRay(tile[k].ax, tile[k].ay, tile[k].bx, tile[k].by, px, py))
        inside = !inside;
  }
  if (x < width && y < height && inside) mask[static_cast<std::size_t>(y) * width + x] = value;
}

}  // namespace

void RasterizeEdges(std::span<const detail::Edge> edges, std::uint8_t value, ImageU8 mask) {
  if (mask.Pixels() == 0 || edges.empty()) return;
  DeviceBuffer<std::uint8_t> out = UploadImage(ConstImageU8(mask));  // pixels outside are kept
  DeviceBuffer<detail::Edge> device_edges(edges.size());
  device_edges.Upload(edges.data(), edges.size());
  const dim3 block(16, 16);
  const dim3 grid((mask.width + 15) / 16, (mask.height + 15) / 16);
  RasterizeKernel<<<grid, block>>>(device_edges.get(), static_cast<int>(edges.size()), value,
                                   mask.width, mask.height, out.get());
  CTP_CUDA_CHECK_LAUNCH();
  DownloadImage(out, mask);
}

}  // namespace ctp::kernels::tiling::cuda
