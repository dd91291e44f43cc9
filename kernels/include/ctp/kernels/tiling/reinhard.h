// Reinhard colour (stain) normalisation in Ruderman's l-alpha-beta space (Reinhard et al. 2001):
// RGB -> LMS -> log10 -> l alpha beta, per-channel mean/std matched to targets, and back.
#pragma once

#include <array>

#include "ctp/kernels/device.h"
#include "ctp/kernels/tiling/image_view.h"

namespace ctp::kernels::tiling {

/// Per-channel mean and standard deviation (population) in l-alpha-beta.
struct LabStats {
  std::array<float, 3> mean{};    ///< l, alpha, beta means.
  std::array<float, 3> stddev{};  ///< l, alpha, beta standard deviations.
};

/// The l-alpha-beta statistics of an RGB(A) image (RGB in 0..255; LMS clamped to >= 1 before
/// log10).
LabStats ComputeLabStats(ConstImageU8 rgb, Device device = Device::kCpu);

/// Maps each pixel: lab' = (lab - source.mean) / source.stddev * target.stddev + target.mean
/// (a source stddev below 1e-6 maps with factor 1), then back to RGB rounded and clamped.
/// `dst` has the channel count of `src` (alpha is copied).
void ApplyReinhard(ConstImageU8 src, const LabStats& source, const LabStats& target, ImageU8 dst,
                   Device device = Device::kCpu);

/// ComputeLabStats(src) followed by ApplyReinhard towards `target`.
void ReinhardNormalize(ConstImageU8 src, const LabStats& target, ImageU8 dst,
                       Device device = Device::kCpu);

}  // namespace ctp::kernels::tiling
