// Which patches of one slide to keep: annotations, tissue mask, grid or random positions,
// tissue fractions and labels. No pixels of the patches are read here.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "ctp/kernels/tiling/tissue_mask.h"
#include "formats/geojson.h"
#include "slide/slide.h"
#include "tile/tile_options.h"

namespace ctp::native {

/// An annotated region with its label and the file it came from.
struct LabelledRegion {
  Region region;          ///< Polygon in level-0 pixels.
  bool positive = false;  ///< From region-annotation/positive (else negative).
  std::string file;       ///< Path relative to the data root, for messages.
  int index = 0;          ///< Region number within the file.
};

/// Loads region-annotation/{positive,negative}/<stem>/*.geojson (sorted by name; a missing folder
/// means no regions). Throws std::runtime_error("<relative file>: <problem>").
std::vector<LabelledRegion> LoadRegions(const std::filesystem::path& data_root,
                                        const std::string& stem);

/// One patch to cut.
struct PlannedPatch {
  std::int64_t x = 0;        ///< Top-left, level-0 pixels.
  std::int64_t y = 0;        ///< Top-left, level-0 pixels.
  std::int64_t level_x = 0;  ///< Top-left, pixels of the read level.
  std::int64_t level_y = 0;  ///< Top-left, pixels of the read level.
  float tissue = 0;          ///< Tissue fraction.
  std::uint8_t label = 255;  ///< kLabelPositive / kLabelNegative / kLabelNone.
};

/// The patches of a slide and how they were chosen.
struct SlidePlan {
  std::vector<PlannedPatch> patches;       ///< Kept, in reading order.
  int candidates = 0;                      ///< Positions scored (grid size or random tries).
  int mask_level = 0;                      ///< Level the mask image was read from.
  int mask_factor = 1;                     ///< Box-averaging factor on that level.
  int mask_width = 0;                      ///< Mask image size.
  int mask_height = 0;                     ///< Mask image size.
  kernels::tiling::TissueMaskResult mask;  ///< What the tissue detector decided.
  double downsample = 1;                   ///< Level-0 pixels per pixel of the read level.
  std::int64_t level_width = 0;            ///< Size of the read level.
  std::int64_t level_height = 0;           ///< Size of the read level.
};

/// Plans the patches of `slide` (whose regions are `regions`): tissue mask on a low-resolution
/// image, candidates, tissue fraction, labels. Also reads the slide's `thumbnail`
/// (ReadLowResolution at `thumbnail_side`) with the mask image: one decode where both come from
/// one level. When that level is the patch level (options.level) and was decoded whole (a small
/// single-level slide), the decode is moved into `patch_level` (else its level is -1). Throws
/// std::runtime_error on a level the slide lacks, regions outside the slide, or a refused
/// fluorescence slide.
SlidePlan PlanSlide(Slide& slide, const std::vector<LabelledRegion>& regions,
                    const TileOptions& options, std::uint64_t slide_seed, int thumbnail_side,
                    LowResolutionImage& thumbnail, DecodedLevel& patch_level);

/// The label of a patch whose centre is (cx, cy) in level-0 pixels: positive regions win.
std::uint8_t LabelAt(const std::vector<LabelledRegion>& regions, double cx, double cy);

}  // namespace ctp::native
