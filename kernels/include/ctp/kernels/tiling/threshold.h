// Histogram, Otsu threshold and polarity thresholding of a single-channel 8-bit image.
#pragma once

#include <array>
#include <cstdint>

#include "ctp/kernels/device.h"
#include "ctp/kernels/tiling/image_view.h"

namespace ctp::kernels::tiling {

/// Counts of each 8-bit value.
using Histogram256 = std::array<std::uint64_t, 256>;

/// The 256-bin histogram of a single-channel image.
Histogram256 ComputeHistogram(ConstImageU8 channel, Device device = Device::kCpu);

/// Otsu's threshold t: the split {v < t} | {v >= t} that maximises the between-class variance
/// (first maximum on ties; 0 for an empty histogram). Same as reference_tiler.py's otsu_threshold.
int OtsuThreshold(const Histogram256& histogram);

/// Which side of the threshold is tissue.
enum class Polarity {
  kBelow,  ///< tissue = value < t (brightfield gray: tissue is darker than the glass)
  kAbove,  ///< tissue = value > t (saturation; fluorescence gray: tissue brighter than the dark)
};

/// Writes mask = 1 where the pixel is tissue under `polarity` and `threshold`, else 0.
void ThresholdMask(ConstImageU8 channel, int threshold, Polarity polarity, ImageU8 mask,
                   Device device = Device::kCpu);

}  // namespace ctp::kernels::tiling
