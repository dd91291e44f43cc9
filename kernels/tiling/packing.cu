// CUDA twin of batch packing: patches are uploaded into one staging buffer (each packed with its
// own channel count), then one thread per output pixel writes NHWC uint8 or NCHW float.
#include <vector>

#include "cuda_common.cuh"
#include "cuda_ops.h"
#include "pixel_ops.h"

namespace ctp::kernels::tiling::cuda {
namespace {

__global__ void PackKernel(const std::uint8_t* staged, const std::size_t* offsets,
                           const int* channels, std::size_t patches, std::size_t plane,
                           bool to_float, detail::ByteNormalizer normalizer, std::uint8_t* out_u8,
                           float* out_f32) {
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (i >= patches * plane) return;
  const std::size_t n = i / plane, pixel = i % plane;
  const std::uint8_t* px = staged + offsets[n] + pixel * channels[n];
  for (int c = 0; c < 3; ++c) {
    if (to_float)
      out_f32[(n * 3 + c) * plane + pixel] = normalizer.Apply(px[c], c);
    else
      out_u8[i * 3 + c] = px[c];
  }
}

}  // namespace

void PackPatches(std::span<const ConstImageU8> patches, int width, int height,
                 const ChannelNormalization* normalization, std::uint8_t* out_u8, float* out_f32) {
  if (patches.empty()) return;
  const std::size_t plane = static_cast<std::size_t>(width) * height;
  std::vector<std::size_t> offsets(patches.size());
  std::vector<int> channels(patches.size());
  std::size_t total = 0;
  for (std::size_t n = 0; n < patches.size(); ++n) {
    offsets[n] = total;
    channels[n] = patches[n].channels;
    total += plane * channels[n];
  }
  DeviceBuffer<std::uint8_t> staged(total);
  for (std::size_t n = 0; n < patches.size(); ++n) {
    const std::size_t row = static_cast<std::size_t>(width) * channels[n];
    CTP_CUDA_CHECK(cudaMemcpy2D(staged.get() + offsets[n], row, patches[n].data, patches[n].stride,
                                row, height, cudaMemcpyHostToDevice));
  }
  DeviceBuffer<std::size_t> device_offsets(offsets.size());
  device_offsets.Upload(offsets.data(), offsets.size());
  DeviceBuffer<int> device_channels(channels.size());
  device_channels.Upload(channels.data(), channels.size());
  const bool to_float = normalization != nullptr;
  const std::size_t values = patches.size() * plane * 3;
  DeviceBuffer<std::uint8_t> bytes(to_float ? 0 : values);
  DeviceBuffer<float> floats(to_float ? values : 0);
  const detail::ByteNormalizer normalizer =
      to_float ? detail::MakeByteNormalizer(*normalization) : detail::ByteNormalizer{};
  PackKernel<<<BlocksFor(patches.size() * plane), 256>>>(
      staged.get(), device_offsets.get(), device_channels.get(), patches.size(), plane, to_float,
      normalizer, bytes.get(), floats.get());
  CTP_CUDA_CHECK_LAUNCH();
  if (to_float)
    floats.Download(out_f32, values);
  else
    bytes.Download(out_u8, values);
}

}  // namespace ctp::kernels::tiling::cuda
