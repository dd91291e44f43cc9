// What the `tile` step was asked to do (parsed from its arguments in tile.cc).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "ctp/kernels/device.h"
#include "ctp/kernels/tiling/reinhard.h"
#include "ctp/kernels/tiling/tissue_mask.h"

namespace ctp::native {

/// How patch positions are chosen.
enum class Sampling {
  kGrid,    ///< Every full patch of a regular grid with the given stride.
  kRandom,  ///< Up to samples_per_region random patches centred inside each annotated region.
};

/// Options of one `tile` run.
struct TileOptions {
  std::filesystem::path data_root;                   ///< slide/, region-annotation/ live here.
  std::vector<std::string> splits{"train", "test"};  ///< Sub-folders of slide/ to tile.
  int patch_size = 256;                              ///< Patch side in pixels of `level`.
  int stride = 256;                                  ///< Grid step in pixels of `level`.
  int level = 0;                                     ///< Slide level patches are read at.
  double min_tissue = 0.5;                           ///< Keep patches with tissue fraction >= this.
  Sampling sampling = Sampling::kGrid;               ///< Grid or random per region.
  int samples_per_region = 16;                       ///< Random sampling: patches per region.
  std::uint64_t seed = 0;                            ///< Random sampling: seed.
  bool keep_unlabelled = false;                      ///< Keep patches outside every region.
  bool jpeg = false;                                 ///< Images as JPEG instead of PNG.
  int jpeg_quality = 90;                             ///< JPEG quality 1..100.
  int png_compression = 1;                           ///< zlib level 0..9 for PNG.
  bool images = true;         ///< Write per-patch image and ground-truth files (else shard only).
  bool direct_decode = true;  ///< Decode JPEG-tiled TIFF/SVS levels directly (else OpenSlide).
  int mask_min_side = 1024;   ///< Tissue mask image: longer side >= this.
  kernels::tiling::TissueMaskOptions mask;            ///< Method, background, cleanup.
  bool refuse_fluorescence = false;                   ///< Fail fluorescence slides instead.
  std::optional<kernels::tiling::LabStats> reinhard;  ///< Reinhard target, when normalising.
  int threads = 1;                                    ///< Worker threads (one OpenSlide each).
  bool fail_on_error = true;                          ///< Fail the step when any slide failed.
  kernels::Device device = kernels::Device::kCpu;     ///< Where the pixel kernels run.
};

}  // namespace ctp::native
