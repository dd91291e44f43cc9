// Packing a batch of RGB patches into one contiguous buffer for the CNN.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "ctp/kernels/device.h"
#include "ctp/kernels/tiling/image_view.h"

namespace ctp::kernels::tiling {

/// Per-channel normalisation for the float CHW output: out = (v / 255 - mean[c]) / stddev[c].
struct ChannelNormalization {
  std::array<float, 3> mean{0.f, 0.f, 0.f};    ///< Subtracted after scaling to 0..1.
  std::array<float, 3> stddev{1.f, 1.f, 1.f};  ///< Divides after subtracting the mean.
};

/// Copies N patches (each width x height, 3 or 4 channels; alpha dropped) into out, uint8 NHWC
/// with C = 3: out[((n * height + y) * width + x) * 3 + c]. out.size() = N * height * width * 3.
void PackPatchesNhwc(std::span<const ConstImageU8> patches, int width, int height,
                     std::span<std::uint8_t> out, Device device = Device::kCpu);

/// Copies N patches into out, float NCHW with C = 3, normalised:
/// out[((n * 3 + c) * height + y) * width + x]. out.size() = N * 3 * height * width.
void PackPatchesNchwFloat(std::span<const ConstImageU8> patches, int width, int height,
                          const ChannelNormalization& normalization, std::span<float> out,
                          Device device = Device::kCpu);

}  // namespace ctp::kernels::tiling
