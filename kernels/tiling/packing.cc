// CPU references and launchers of batch packing (packing.h).
#include "ctp/kernels/tiling/packing.h"

#include <cstring>
#include <string>

#include "checks.h"
#include "cuda_ops.h"
#include "pixel_ops.h"

namespace ctp::kernels::tiling {
namespace detail {

ByteNormalizer MakeByteNormalizer(const ChannelNormalization& normalization) {
  ByteNormalizer normalizer{};
  for (int c = 0; c < 3; ++c) {
    normalizer.scale[c] = 1.f / (255.f * normalization.stddev[c]);
    normalizer.shift[c] = -normalization.mean[c] / normalization.stddev[c];
  }
  return normalizer;
}

}  // namespace detail
namespace {

/// Checks every patch and the output size (`per_patch` values per patch).
void CheckBatch(const char* op, std::span<const ConstImageU8> patches, int width, int height,
                std::size_t out_size) {
  if (width <= 0 || height <= 0) detail::Fail(op, "patch size must be positive");
  for (std::size_t n = 0; n < patches.size(); ++n) {
    detail::CheckView(op, "patch", patches[n], {3, 4});
    if (patches[n].width != width || patches[n].height != height)
      detail::Fail(op, "patch " + std::to_string(n) + " is " + std::to_string(patches[n].width) +
                           "x" + std::to_string(patches[n].height) + ", want " +
                           std::to_string(width) + "x" + std::to_string(height));
  }
  const std::size_t want = patches.size() * static_cast<std::size_t>(width) * height * 3;
  if (out_size != want)
    detail::Fail(
        op, "output has " + std::to_string(out_size) + " values, want " + std::to_string(want));
}

}  // namespace

void PackPatchesNhwc(std::span<const ConstImageU8> patches, int width, int height,
                     std::span<std::uint8_t> out, Device device) {
  CheckBatch("PackPatchesNhwc", patches, width, height, out.size());
  detail::CheckDevice("PackPatchesNhwc", device);
#ifdef CTP_HAVE_CUDA
  if (device == Device::kCuda)
    return cuda::PackPatches(patches, width, height, nullptr, out.data(), nullptr);
#endif
  std::uint8_t* dst = out.data();
  for (const ConstImageU8& patch : patches) {
    if (patch.channels == 3) {  // rows are already NHWC: one copy per row
      const std::size_t row_bytes = static_cast<std::size_t>(width) * 3;
      for (int y = 0; y < height; ++y, dst += row_bytes) std::memcpy(dst, patch.Row(y), row_bytes);
      continue;
    }
    for (int y = 0; y < height; ++y) {
      const std::uint8_t* in = patch.Row(y);
      for (int x = 0; x < width; ++x, in += patch.channels, dst += 3) {
        dst[0] = in[0];
        dst[1] = in[1];
        dst[2] = in[2];
      }
    }
  }
}

void PackPatchesNchwFloat(std::span<const ConstImageU8> patches, int width, int height,
                          const ChannelNormalization& normalization, std::span<float> out,
                          Device device) {
  CheckBatch("PackPatchesNchwFloat", patches, width, height, out.size());
  for (float s : normalization.stddev)
    if (!(s != 0.f)) detail::Fail("PackPatchesNchwFloat", "stddev must be nonzero");
  detail::CheckDevice("PackPatchesNchwFloat", device);
#ifdef CTP_HAVE_CUDA
  if (device == Device::kCuda)
    return cuda::PackPatches(patches, width, height, &normalization, nullptr, out.data());
#endif
  const detail::ByteNormalizer normalizer = detail::MakeByteNormalizer(normalization);
  const std::size_t plane = static_cast<std::size_t>(width) * height;
  for (std::size_t n = 0; n < patches.size(); ++n) {
    for (int y = 0; y < height; ++y) {
      const std::uint8_t* in = patches[n].Row(y);
      for (int x = 0; x < width; ++x, in += patches[n].channels) {
        for (int c = 0; c < 3; ++c)
          out[(n * 3 + c) * plane + static_cast<std::size_t>(y) * width + x] =
              normalizer.Apply(in[c], c);
      }
    }
  }
}

}  // namespace ctp::kernels::tiling
