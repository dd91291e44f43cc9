// The tissue mask of a low-resolution slide image: background detection (brightfield vs
// fluorescence), grayscale/saturation, Otsu or fixed threshold with polarity, cleanup.
#pragma once

#include "ctp/kernels/device.h"
#include "ctp/kernels/tiling/image_view.h"
#include "ctp/kernels/tiling/mask_cleanup.h"
#include "ctp/kernels/tiling/threshold.h"

namespace ctp::kernels::tiling {

/// What the glass looks like.
enum class Background {
  kAuto,          ///< Decide with DetectBackground.
  kBrightfield,   ///< Light glass, dark/coloured tissue (H&E, IHC).
  kFluorescence,  ///< Dark glass, bright tissue (DAPI, ...).
};

/// Which channel a brightfield mask thresholds (fluorescence always uses Otsu on gray).
enum class MaskMethod {
  kOtsuGray,    ///< tissue = gray < Otsu(gray)
  kSaturation,  ///< tissue = saturation > saturation_threshold
};

/// The statistic behind the brightfield/fluorescence decision.
struct BackgroundStats {
  int border_median_gray =
      0;                      ///< Median gray of the border ring (outer 5 % of each side, >= 1 px).
  double dark_fraction = 0;   ///< Fraction of all pixels with gray < dark_level (informative).
  bool fluorescence = false;  ///< border_median_gray < dark_level.
};

/// Decides whether a slide looks like fluorescence: the median gray of its border ring is dark.
BackgroundStats DetectBackground(ConstImageU8 gray, int dark_level = 64);

/// Options of ComputeTissueMask.
struct TissueMaskOptions {
  MaskMethod method = MaskMethod::kOtsuGray;  ///< Brightfield channel.
  Background background = Background::kAuto;  ///< Forced or detected.
  int saturation_threshold = 20;              ///< For MaskMethod::kSaturation.
  int dark_level = 64;                        ///< For DetectBackground.
  int min_hole_pixels = 0;                    ///< CleanMask: fill holes smaller than this.
  int min_speck_pixels = 0;                   ///< CleanMask: remove specks smaller than this.
};

/// What ComputeTissueMask decided.
struct TissueMaskResult {
  bool fluorescence = false;                  ///< The background that was used.
  MaskMethod method = MaskMethod::kOtsuGray;  ///< The channel that was thresholded.
  int threshold = 0;                          ///< Threshold given to ThresholdMask.
  Polarity polarity = Polarity::kBelow;       ///< Polarity given to ThresholdMask.
  BackgroundStats background;                 ///< Detection statistic (also when forced).
  CleanupStats cleanup;                       ///< What CleanMask changed.
  double tissue_fraction = 0;                 ///< Fraction of mask pixels set.
};

/// Computes the 0/1 tissue mask of an RGB(A) image (composited over white). Brightfield:
/// tissue = gray < Otsu t, or saturation > threshold. Fluorescence: tissue = gray >= Otsu t
/// (ThresholdMask(gray, t - 1, kAbove)). Then CleanMask (always on the CPU).
TissueMaskResult ComputeTissueMask(ConstImageU8 rgb, const TissueMaskOptions& options, ImageU8 mask,
                                   Device device = Device::kCpu);

}  // namespace ctp::kernels::tiling
