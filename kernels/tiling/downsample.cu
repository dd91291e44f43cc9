// CUDA twin of the box-average downsample: one thread per output value, same integer rounding.
#include "cuda_common.cuh"
#include "cuda_ops.h"

namespace ctp::kernels::tiling::cuda {
namespace {

__global__ void BoxDownsampleKernel(const std::uint8_t* in, int in_width, int channels, int factor,
                                    int out_width, int out_height, std::uint8_t* out) {
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  const std::size_t n = static_cast<std::size_t>(out_width) * out_height * channels;
  if (i >= n) return;
  const int c = static_cast<int>(i % channels);
  const std::size_t pixel = i / channels;
  const int x = static_cast<int>(pixel % out_width), y = static_cast<int>(pixel / out_width);
  unsigned sum = 0;
  for (int dy = 0; dy < factor; ++dy) {
    const std::uint8_t* row =
        in + (static_cast<std::size_t>(y) * factor + dy) * in_width * channels;
    for (int dx = 0; dx < factor; ++dx)
      sum += row[(static_cast<std::size_t>(x) * factor + dx) * channels + c];
  }
  const unsigned area = static_cast<unsigned>(factor) * factor;
  out[i] = static_cast<std::uint8_t>((sum + area / 2) / area);
}

}  // namespace

void BoxDownsample(ConstImageU8 in, int factor, ImageU8 out) {
  const std::size_t n = out.Pixels() * out.channels;
  if (n == 0) return;
  DeviceBuffer<std::uint8_t> source = UploadImage(in);
  DeviceBuffer<std::uint8_t> result(n);
  BoxDownsampleKernel<<<BlocksFor(n), 256>>>(source.get(), in.width, in.channels, factor, out.width,
                                             out.height, result.get());
  CTP_CUDA_CHECK_LAUNCH();
  DownloadImage(result, out);
}

}  // namespace ctp::kernels::tiling::cuda
