// Patch planning: tissue mask, candidate positions, scores and labels for one slide.
#include "tile/tile_plan.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

#include "ctp/kernels/tiling/patch_score.h"
#include "ctp/kernels/tiling/polygon.h"
#include "patches/patch_shard.h"

namespace ctp::native {
namespace {

namespace fs = std::filesystem;
namespace tiling = kernels::tiling;

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Throws when a region's bounding box misses the slide's level-0 rectangle entirely.
void CheckInsideSlide(const LabelledRegion& r, LevelSize size) {
  const Region& b = r.region;
  if (b.max_x <= 0 || b.max_y <= 0 || b.min_x >= static_cast<double>(size.width) ||
      b.min_y >= static_cast<double>(size.height))
    throw std::runtime_error(fmt::format(
        "{}: region {} lies outside the slide (bounding box {},{} to {},{}; slide is {}x{})",
        r.file, r.index, b.min_x, b.min_y, b.max_x, b.max_y, size.width, size.height));
}

// The tissue mask of the slide and its summed-area table.
struct TissueMap {
  LowResolutionImage image;
  tiling::Image<std::uint8_t> mask;
  tiling::Image<std::uint32_t> integral;
  tiling::TissueMaskResult result;
};

TissueMap ComputeTissue(Slide& slide, const TileOptions& options, int thumbnail_side,
                        LowResolutionImage& thumbnail, DecodedLevel& patch_level) {
  TissueMap map;
  std::vector<LowResolutionImage> images =
      ReadLowResolutions(slide, {options.mask_min_side, thumbnail_side}, options.device,
                         options.direct_decode, &patch_level, options.threads);
  if (patch_level.level != options.level) patch_level = {};  // another level: not needed
  map.image = std::move(images[0]);
  thumbnail = std::move(images[1]);
  const int w = map.image.rgb.width, h = map.image.rgb.height;
  map.mask = tiling::Image<std::uint8_t>(w, h, 1);
  map.result = tiling::ComputeTissueMask(map.image.rgb.View(), options.mask, map.mask.View(),
                                         options.device);
  if (map.result.fluorescence && options.refuse_fluorescence)
    throw std::runtime_error(fmt::format(
        "fluorescence slide (dark background: border median gray {} < {}); refused because "
        "background=brightfield-only",
        map.result.background.border_median_gray, options.mask.dark_level));
  map.integral = tiling::Image<std::uint32_t>(w + 1, h + 1, 1);
  tiling::IntegralImage(map.mask.View(), map.integral.View(), options.device);
  return map;
}

// Scores boxes (pixels of the read level) against the mask on `device`.
std::vector<float> Score(const TissueMap& map, LevelSize level_size,
                         const std::vector<tiling::PatchBox>& boxes, kernels::Device device) {
  tiling::MaskScale scale{static_cast<double>(level_size.width) / map.mask.width,
                          static_cast<double>(level_size.height) / map.mask.height};
  std::vector<float> fractions(boxes.size());
  tiling::ScorePatches(map.integral.View(), boxes, scale, fractions, device);
  return fractions;
}

// Keeps a candidate at (lx, ly) in level pixels when its tissue and label qualify.
bool Consider(std::int64_t lx, std::int64_t ly, float tissue, const TileOptions& options,
              double downsample, const std::vector<LabelledRegion>& regions, SlidePlan& plan) {
  if (tissue < options.min_tissue) return false;
  PlannedPatch patch;
  patch.level_x = lx;
  patch.level_y = ly;
  patch.x = static_cast<std::int64_t>(static_cast<double>(lx) * downsample);
  patch.y = static_cast<std::int64_t>(static_cast<double>(ly) * downsample);
  patch.tissue = tissue;
  const double half = options.patch_size * downsample / 2;
  patch.label =
      LabelAt(regions, static_cast<double>(patch.x) + half, static_cast<double>(patch.y) + half);
  if (patch.label == kLabelNone && !options.keep_unlabelled) return false;
  plan.patches.push_back(patch);
  return true;
}

void PlanGrid(const TissueMap& map, LevelSize size, const TileOptions& options,
              const std::vector<LabelledRegion>& regions, SlidePlan& plan) {
  tiling::PatchGrid grid =
      tiling::FullPatchGrid(static_cast<int>(size.width), static_cast<int>(size.height),
                            options.patch_size, options.stride);
  std::vector<tiling::PatchBox> boxes = tiling::GridBoxes(grid);
  std::vector<float> fractions = Score(map, size, boxes, options.device);
  plan.candidates = static_cast<int>(boxes.size());
  for (std::size_t i = 0; i < boxes.size(); ++i)
    Consider(static_cast<std::int64_t>(boxes[i].x), static_cast<std::int64_t>(boxes[i].y),
             fractions[i], options, plan.downsample, regions, plan);
}

// Up to samples_per_region patches per region: a uniform centre in the region's bounding box,
// kept when it is inside the polygon, the patch is inside the slide and has enough tissue
// (at most 20 tries per wanted patch, so sparse regions cannot loop forever).
void PlanRandom(const TissueMap& map, LevelSize size, const TileOptions& options,
                const std::vector<LabelledRegion>& regions, std::uint64_t seed, SlidePlan& plan) {
  const double side = options.patch_size * plan.downsample;  // in level-0 pixels
  for (std::size_t r = 0; r < regions.size(); ++r) {
    std::mt19937_64 random(seed + 0x9e3779b97f4a7c15ULL * (r + 1));
    const Region& region = regions[r].region;
    std::uniform_real_distribution<double> ux(region.min_x, region.max_x);
    std::uniform_real_distribution<double> uy(region.min_y, region.max_y);
    int kept = 0;
    for (int tries = 0;
         tries < 20 * options.samples_per_region && kept < options.samples_per_region; ++tries) {
      ++plan.candidates;
      double cx = ux(random), cy = uy(random);
      if (!tiling::PointInPolygon(region.polygon, cx, cy)) continue;
      auto lx = static_cast<std::int64_t>((cx - side / 2) / plan.downsample);
      auto ly = static_cast<std::int64_t>((cy - side / 2) / plan.downsample);
      if (lx < 0 || ly < 0 || lx + options.patch_size > size.width ||
          ly + options.patch_size > size.height)
        continue;
      tiling::PatchBox box{static_cast<double>(lx), static_cast<double>(ly),
                           static_cast<double>(options.patch_size),
                           static_cast<double>(options.patch_size)};
      // One box is four lookups: on the CPU (a CUDA call would upload the whole integral image).
      if (Consider(lx, ly, Score(map, size, {box}, kernels::Device::kCpu)[0], options,
                   plan.downsample, regions, plan))
        ++kept;
    }
  }
  std::sort(plan.patches.begin(), plan.patches.end(), [](const auto& a, const auto& b) {
    return std::tie(a.level_y, a.level_x) < std::tie(b.level_y, b.level_x);
  });
  auto same = [](const auto& a, const auto& b) {
    return a.level_x == b.level_x && a.level_y == b.level_y;
  };
  plan.patches.erase(std::unique(plan.patches.begin(), plan.patches.end(), same),
                     plan.patches.end());
}

}  // namespace

std::vector<LabelledRegion> LoadRegions(const fs::path& data_root, const std::string& stem) {
  std::vector<LabelledRegion> regions;
  for (bool positive : {true, false}) {
    fs::path relative_dir =
        fs::path("region-annotation") / (positive ? "positive" : "negative") / stem;
    if (!fs::is_directory(data_root / relative_dir)) continue;
    std::vector<fs::path> files;
    for (const fs::directory_entry& entry : fs::directory_iterator(data_root / relative_dir))
      if (entry.is_regular_file() && entry.path().extension() == ".geojson")
        files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    for (const fs::path& file : files) {
      std::string name = (relative_dir / file.filename()).string();
      std::vector<Region> parsed;
      try {
        parsed = ParseGeoJsonRegions(ReadText(file));
      } catch (const std::exception& e) {
        throw std::runtime_error(name + ": " + e.what());
      }
      for (std::size_t i = 0; i < parsed.size(); ++i)
        regions.push_back({std::move(parsed[i]), positive, name, static_cast<int>(i)});
    }
  }
  return regions;
}

std::uint8_t LabelAt(const std::vector<LabelledRegion>& regions, double cx, double cy) {
  std::uint8_t label = kLabelNone;
  for (const LabelledRegion& r : regions) {
    if (cx < r.region.min_x || cx > r.region.max_x || cy < r.region.min_y || cy > r.region.max_y)
      continue;
    if (!tiling::PointInPolygon(r.region.polygon, cx, cy)) continue;
    if (r.positive) return kLabelPositive;
    label = kLabelNegative;
  }
  return label;
}

SlidePlan PlanSlide(Slide& slide, const std::vector<LabelledRegion>& regions,
                    const TileOptions& options, std::uint64_t slide_seed, int thumbnail_side,
                    LowResolutionImage& thumbnail, DecodedLevel& patch_level) {
  if (options.level < 0 || options.level >= slide.LevelCount())
    throw std::runtime_error(
        fmt::format("has no level {} (levels 0..{})", options.level, slide.LevelCount() - 1));
  const LevelSize level0 = slide.Size(0);
  for (const LabelledRegion& region : regions) CheckInsideSlide(region, level0);
  TissueMap map = ComputeTissue(slide, options, thumbnail_side, thumbnail, patch_level);
  SlidePlan plan;
  plan.downsample = slide.Downsample(options.level);
  plan.mask = map.result;
  plan.mask_level = map.image.level;
  plan.mask_factor = map.image.factor;
  plan.mask_width = map.mask.width;
  plan.mask_height = map.mask.height;
  const LevelSize size = slide.Size(options.level);
  plan.level_width = size.width;
  plan.level_height = size.height;
  if (options.sampling == Sampling::kGrid)
    PlanGrid(map, size, options, regions, plan);
  else
    PlanRandom(map, size, options, regions, slide_seed, plan);
  return plan;
}

}  // namespace ctp::native
