// Tiling one slide: parallel reads (one OpenSlide handle per worker), colour conversion, optional
// Reinhard, image + ground-truth files (placed straight under their final names, patch_files.h),
// and the shard, metadata and thumbnail (into a staging folder).
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "patches/patch_files.h"
#include "tile/tile_options.h"
#include "tile/tile_plan.h"

namespace ctp::native {

/// One slide to tile.
struct SlideJob {
  std::filesystem::path path;  ///< The slide file.
  std::string split;           ///< "train", "test", ...
  std::string stem;            ///< File name without extension (names outputs).
  std::string relative;        ///< Path relative to the data root, for messages.
};

/// Where a slide's outputs go, relative to a root (the staging folder, then the data root).
struct SlideOutputs {
  std::filesystem::path image_dir;         ///< slide-patch/<split>/image
  std::filesystem::path ground_truth_dir;  ///< slide-patch/<split>/ground-truth
  std::filesystem::path shard;             ///< slide-patch/<split>/shard/<stem>.ctpshard
  std::filesystem::path metadata;          ///< preprocess-metadata/<stem>.json
  std::filesystem::path thumbnail;         ///< preprocess-metadata/<stem>.thumbnail.png
};

/// The output paths of `job`, relative.
SlideOutputs OutputsOf(const SlideJob& job);

/// What tiling a slide produced.
struct TiledSlide {
  nlohmann::json metadata;                   ///< Also written to the metadata file.
  std::vector<std::string> image_names;      ///< File names in image/ and ground-truth/.
  std::unique_ptr<PatchFiles> images;        ///< The image files (null with --images false).
  std::unique_ptr<PatchFiles> ground_truth;  ///< The ground-truth files (likewise).
};

/// Tiles `job`: image and ground-truth files under options.data_root (removed again unless
/// committed), the rest into `staging` (laid out as OutputsOf, relative to it). `on_patch` is
/// called after each patch (from worker threads, serialised). Throws std::runtime_error without
/// the slide's name on failure (having removed its patch files); the caller removes `staging`.
TiledSlide TileSlide(const SlideJob& job, const TileOptions& options,
                     const std::filesystem::path& staging, const std::function<void()>& on_patch);

}  // namespace ctp::native
