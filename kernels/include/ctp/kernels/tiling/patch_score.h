// Summed-area table of a mask and the tissue fraction of patches, O(1) per patch.
#pragma once

#include <span>
#include <vector>

#include "ctp/kernels/device.h"
#include "ctp/kernels/tiling/image_view.h"

namespace ctp::kernels::tiling {

/// Writes the (w+1) x (h+1) summed-area table of a w x h mask: integral(x, y) = number of
/// nonzero mask pixels in [0, x) x [0, y); row 0 and column 0 are 0.
void IntegralImage(ConstImageU8 mask, ImageU32 integral, Device device = Device::kCpu);

/// A patch footprint in slide (patch-level) pixels: [x, x + width) x [y, y + height).
struct PatchBox {
  double x = 0;       ///< Left edge.
  double y = 0;       ///< Top edge.
  double width = 0;   ///< Extent along x.
  double height = 0;  ///< Extent along y.
};

/// Slide pixels per mask pixel along each axis (e.g. 4.0 when the mask is level 2 of a 2x pyramid;
/// fractional for thumbnails: slide_width / mask_width).
struct MaskScale {
  double downsample_x = 1;  ///< Slide pixels per mask pixel along x.
  double downsample_y = 1;  ///< Slide pixels per mask pixel along y.
};

/// A regular grid of patches in slide pixels, row-major.
struct PatchGrid {
  double origin_x = 0;      ///< Left edge of patch (0, 0).
  double origin_y = 0;      ///< Top edge of patch (0, 0).
  double step_x = 0;        ///< Stride along x.
  double step_y = 0;        ///< Stride along y.
  double patch_width = 0;   ///< Patch extent along x.
  double patch_height = 0;  ///< Patch extent along y.
  int cols = 0;             ///< Patches per row.
  int rows = 0;             ///< Rows of patches.
};

/// The grid of full size x size patches with the given stride inside a slide_width x slide_height
/// slide (partial edge patches dropped), as reference_tiler.py.
PatchGrid FullPatchGrid(int slide_width, int slide_height, int size, int stride);

/// The boxes of a grid, row-major (index = row * cols + col).
std::vector<PatchBox> GridBoxes(const PatchGrid& grid);

/// Tissue fraction of each box: the box mapped onto the mask grid as x0 = floor(x / dx),
/// x1 = max(ceil((x + width) / dx), x0 + 1) (same along y), clipped to the mask; fraction =
/// nonzero pixels / pixels of the clipped box, 0 when it is empty. `integral` comes from
/// IntegralImage; fractions.size() must equal boxes.size().
void ScorePatches(ConstImageU32 integral, std::span<const PatchBox> boxes, MaskScale scale,
                  std::span<float> fractions, Device device = Device::kCpu);

}  // namespace ctp::kernels::tiling
