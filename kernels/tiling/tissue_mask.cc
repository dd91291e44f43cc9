// Background detection and the tissue-mask pipeline (tissue_mask.h).
#include "ctp/kernels/tiling/tissue_mask.h"

#include <algorithm>
#include <cstdint>

#include "checks.h"
#include "ctp/kernels/tiling/color.h"

namespace ctp::kernels::tiling {
namespace {

/// Background statistics from the gray image and its (already computed) histogram.
BackgroundStats ClassifyBackground(ConstImageU8 gray, const Histogram256& histogram,
                                   int dark_level) {
  BackgroundStats stats;
  if (gray.Pixels() == 0) return stats;
  const int ring = std::max(1, std::min(gray.width, gray.height) * 5 / 100);
  Histogram256 border{};
  for (int y = 0; y < gray.height; ++y) {
    const std::uint8_t* row = gray.Row(y);
    const bool full_row = y < ring || y >= gray.height - ring;
    for (int x = 0; x < gray.width; ++x) {
      if (full_row || x < ring || x >= gray.width - ring) ++border[row[x]];
      if (!full_row && x == ring - 1) x = std::max(x, gray.width - ring - 1);  // skip the inside
    }
  }
  std::uint64_t border_total = 0, dark = 0;
  for (int v = 0; v < 256; ++v) border_total += border[v];
  for (int v = 0; v < std::clamp(dark_level, 0, 256); ++v) dark += histogram[v];
  std::uint64_t seen = 0;
  int median = 255;
  for (int v = 0; v < 256; ++v) {
    seen += border[v];
    if (2 * seen >= border_total) {
      median = v;
      break;
    }
  }
  stats.border_median_gray = median;
  stats.dark_fraction = static_cast<double>(dark) / static_cast<double>(gray.Pixels());
  stats.fluorescence = median < dark_level;
  return stats;
}

/// Fraction of nonzero mask pixels.
double NonzeroFraction(ConstImageU8 mask) {
  if (mask.Pixels() == 0) return 0;
  std::uint64_t on = 0;
  for (int y = 0; y < mask.height; ++y)
    on += static_cast<std::uint64_t>(
        std::count_if(mask.Row(y), mask.Row(y) + mask.width, [](std::uint8_t v) { return v; }));
  return static_cast<double>(on) / static_cast<double>(mask.Pixels());
}

}  // namespace

BackgroundStats DetectBackground(ConstImageU8 gray, int dark_level) {
  return ClassifyBackground(gray, ComputeHistogram(gray, Device::kCpu), dark_level);
}

TissueMaskResult ComputeTissueMask(ConstImageU8 rgb, const TissueMaskOptions& options, ImageU8 mask,
                                   Device device) {
  detail::CheckView("ComputeTissueMask", "rgb", rgb, {3, 4});
  detail::CheckView("ComputeTissueMask", "mask", mask, {1});
  detail::CheckSameSize("ComputeTissueMask", rgb, mask);
  Image<std::uint8_t> gray(rgb.width, rgb.height, 1);
  RgbToGray(rgb, gray.View(), device);
  const Histogram256 histogram = ComputeHistogram(gray.View(), device);

  TissueMaskResult result;
  result.background = ClassifyBackground(gray.View(), histogram, options.dark_level);
  result.fluorescence = options.background == Background::kAuto
                            ? result.background.fluorescence
                            : options.background == Background::kFluorescence;
  result.method = result.fluorescence ? MaskMethod::kOtsuGray : options.method;
  if (result.fluorescence) {
    result.threshold = OtsuThreshold(histogram) - 1;  // gray >= t  <=>  gray > t - 1
    result.polarity = Polarity::kAbove;
    ThresholdMask(gray.View(), result.threshold, result.polarity, mask, device);
  } else if (result.method == MaskMethod::kOtsuGray) {
    result.threshold = OtsuThreshold(histogram);
    result.polarity = Polarity::kBelow;
    ThresholdMask(gray.View(), result.threshold, result.polarity, mask, device);
  } else {
    Image<std::uint8_t>& saturation = gray;  // gray is no longer needed
    RgbToSaturation(rgb, saturation.View(), device);
    result.threshold = options.saturation_threshold;
    result.polarity = Polarity::kAbove;
    ThresholdMask(saturation.View(), result.threshold, result.polarity, mask, device);
  }
  result.cleanup = CleanMask(mask, options.min_hole_pixels, options.min_speck_pixels);
  result.tissue_fraction = NonzeroFraction(mask);
  return result;
}

}  // namespace ctp::kernels::tiling
