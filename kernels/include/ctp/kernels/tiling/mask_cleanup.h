// Small-hole filling and speck removal on a binary mask (CPU only: connected components are
// sequential by nature and the mask is a thumbnail; the CUDA mask pipeline runs this step on the
// CPU).
#pragma once

#include "ctp/kernels/tiling/image_view.h"

namespace ctp::kernels::tiling {

/// What a cleanup changed.
struct CleanupStats {
  int holes_filled = 0;    ///< Background components set to 1.
  int specks_removed = 0;  ///< Foreground components set to 0.
};

/// Fills background components (mask == 0, 4-connected) of fewer than `min_hole_pixels` pixels
/// that do not touch the image border, then clears foreground components (mask != 0,
/// 4-connected) of fewer than `min_speck_pixels` pixels. Filled pixels become 1. A limit <= 0
/// disables that step.
CleanupStats CleanMask(ImageU8 mask, int min_hole_pixels, int min_speck_pixels);

}  // namespace ctp::kernels::tiling
