// The per-slide heatmap of the predict step: each patch's probability of one class painted over
// the slide's thumbnail.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "ctp/kernels/tiling/image_view.h"

namespace ctp::native {

/// Where the patches lie and how likely each is to be of the mapped class.
struct HeatmapPatches {
  std::vector<std::array<std::int32_t, 2>> level0_top_left;  ///< (x, y) per patch
  double level0_width = 0, level0_height = 0;                ///< one patch's footprint
  std::vector<float> probability;                            ///< per patch, in [0, 1]
};

/// `thumbnail` (RGB) with every pixel covered by patches blended half-and-half with a blue (0)
/// to red (1) ramp of the mean probability of the patches covering it; uncovered pixels are
/// unchanged. `level0_per_pixel` is the thumbnail's scale in level-0 pixels.
kernels::tiling::Image<std::uint8_t> RenderHeatmap(
    const kernels::tiling::Image<std::uint8_t>& thumbnail, double level0_per_pixel,
    const HeatmapPatches& patches);

/// Reads `slide`'s thumbnail (longer side >= 1024 pixels), renders the heatmap of `patches` (read
/// at `patch_level` of that slide, `patch_width` x `patch_height` pixels there) and writes it as a
/// PNG to `output` atomically. Errors name the slide.
void WriteSlideHeatmap(const std::filesystem::path& slide, int patch_level, int patch_width,
                       int patch_height, HeatmapPatches patches,
                       const std::filesystem::path& output);

}  // namespace ctp::native
