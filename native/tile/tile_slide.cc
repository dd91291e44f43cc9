// Executes a slide's plan: workers take runs of neighbouring patches, read each run with one
// call (direct JPEG tiles or OpenSlide, level_reader.h), and write images, ground truth and shard
// records into the staging folder.
#include "tile/tile_slide.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <exception>
#include <fstream>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include "ctp/kernels/tiling/polygon.h"
#include "ctp/kernels/tiling/reinhard.h"
#include "formats/image_io.h"
#include "slide/level_reader.h"
#include "patches/patch_shard.h"
#include "slide/slide.h"

namespace ctp::native {
namespace {

namespace fs = std::filesystem;
namespace tiling = kernels::tiling;

constexpr std::int64_t kMaxRunSpan = 2048;  // widest single read, in level pixels

// Patches [begin, end) of the plan that one read covers: same row, left to right, each touching
// or overlapping the previous one (a gap would decode pixels no patch uses).
struct Run {
  std::size_t begin = 0;
  std::size_t end = 0;
};

std::vector<Run> GroupRuns(const std::vector<PlannedPatch>& patches, int size) {
  std::vector<Run> runs;
  for (std::size_t i = 0; i < patches.size(); ++i) {
    if (!runs.empty()) {
      const PlannedPatch& first = patches[runs.back().begin];
      const PlannedPatch& last = patches[i - 1];
      const PlannedPatch& next = patches[i];
      if (next.level_y == first.level_y && next.level_x > last.level_x &&
          next.level_x <= last.level_x + size &&
          next.level_x + size - first.level_x <= std::max<std::int64_t>(kMaxRunSpan, size)) {
        runs.back().end = i + 1;
        continue;
      }
    }
    runs.push_back({i, i + 1});
  }
  return runs;
}

const char* LabelName(std::uint8_t label) {
  return label == kLabelPositive ? "positive" : label == kLabelNegative ? "negative" : "none";
}

void WriteBytes(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out.flush()) throw std::runtime_error("cannot write " + path.string());
}

// Everything a worker needs, shared read-only (except the shard, which is thread-safe).
struct Shared {
  const SlideJob& job;
  const TileOptions& options;
  const SlidePlan& plan;
  const std::vector<LabelledRegion>& regions;
  const std::vector<std::string>& names;
  const std::array<std::size_t, 3>& uniform_ground_truth;  ///< Shared all-0, -155, -255 PNGs.
  const ReadMode& read_mode;                               ///< Direct JPEG tiles or OpenSlide.
  const DecodedLevel* patch_level;  ///< The level decoded whole, cut instead of read; or null.
  PatchFiles* images;               ///< Null with --images false.
  PatchFiles* ground_truth;
  PatchShardWriter& shard;
};

// Draws the ground truth of a patch: 0 outside, 155 negative, 255 positive (positives on top).
// Returns false when no region touches the patch (the mask stays all zero).
bool DrawGroundTruth(const Shared& s, const PlannedPatch& patch, tiling::ImageU8 mask) {
  std::fill_n(mask.data, mask.Pixels(), std::uint8_t{0});
  bool drawn = false;
  const double side = s.options.patch_size * s.plan.downsample;
  const tiling::RasterTransform transform{static_cast<double>(patch.x),
                                          static_cast<double>(patch.y), 1 / s.plan.downsample,
                                          1 / s.plan.downsample};
  for (bool positive : {false, true}) {
    for (const LabelledRegion& r : s.regions) {
      if (r.positive != positive || r.region.max_x < patch.x || r.region.max_y < patch.y ||
          r.region.min_x > patch.x + side || r.region.min_y > patch.y + side)
        continue;
      tiling::RasterizePolygon(r.region.polygon, transform, positive ? 255 : 155, mask,
                               s.options.device);
      drawn = true;
    }
  }
  return drawn;
}

// The shared file of a mask that is one value (0: outside every region; 155 or 255: wholly
// inside a region, the common cases), else null: those are encoded once per slide and hard-linked.
const std::size_t* UniformGroundTruth(const Shared& s, bool drawn,
                                      const tiling::Image<std::uint8_t>& mask) {
  if (!drawn) return &s.uniform_ground_truth[0];
  const std::uint8_t value = mask.pixels.front();
  if (value == 0 || std::any_of(mask.pixels.begin(), mask.pixels.end(),
                                [value](std::uint8_t v) { return v != value; }))
    return nullptr;
  return value == 155   ? &s.uniform_ground_truth[1]
         : value == 255 ? &s.uniform_ground_truth[2]
                        : nullptr;
}

// Normalises, encodes and stores one patch whose RGB pixels are `rgb` (a crop of its run).
void StorePatch(const Shared& s, std::size_t index, tiling::ConstImageU8 rgb,
                tiling::Image<std::uint8_t>& normalised, tiling::Image<std::uint8_t>& mask) {
  const PlannedPatch& patch = s.plan.patches[index];
  tiling::ConstImageU8 pixels = rgb;
  if (s.options.reinhard) {
    tiling::ReinhardNormalize(rgb, *s.options.reinhard, normalised.View(), s.options.device);
    pixels = normalised.View();
  }
  if (s.images) {
    const std::string& name = s.names[index];
    s.images->Write(name + (s.options.jpeg ? ".jpg" : ".png"),
                    s.options.jpeg ? EncodeJpeg(pixels, s.options.jpeg_quality)
                                   : EncodePng(pixels, s.options.png_compression));
    const std::size_t* uniform =
        UniformGroundTruth(s, DrawGroundTruth(s, patch, mask.View()), mask);
    if (uniform)
      s.ground_truth->Link(name + ".png", *uniform);
    else
      s.ground_truth->Write(name + ".png", EncodePng(mask.View(), s.options.png_compression));
  }
  s.shard.SetPatch(index, patch.label, static_cast<std::int32_t>(patch.x),
                   static_cast<std::int32_t>(patch.y), pixels);
}

// Runs workers over `runs`; each opens its own reader, unless the runs are cut from the level
// decoded whole (s.patch_level). Rethrows the first failure.
void RunWorkers(const Shared& s, const std::vector<Run>& runs,
                const std::function<void()>& on_patch) {
  const int size = s.options.patch_size;
  // Tiles that several runs decode (runs straddling a tile row or column) are shared.
  std::unordered_map<std::uint32_t, int> tile_uses;
  if (s.read_mode.direct && !s.patch_level)
    for (const Run& run : runs) {
      const PlannedPatch& first = s.plan.patches[run.begin];
      const PlannedPatch& last = s.plan.patches[run.end - 1];
      CountTileUses(first.level_x, first.level_y,
                    static_cast<int>(last.level_x - first.level_x) + size, size,
                    s.read_mode.tile_width, s.read_mode.tile_height, s.plan.level_width, tile_uses);
    }
  TileCache tile_cache(std::move(tile_uses));
  const int workers = std::max(1, std::min<int>(s.options.threads, static_cast<int>(runs.size())));
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr failure;
  std::mutex mutex;
  auto work = [&] {
    try {
      std::optional<LevelReader> reader;
      tiling::Image<std::uint8_t> normalised(size, size, 3), mask(size, size, 1), run_rgb;
      if (!s.patch_level) {
        reader.emplace(s.job.path, s.options.level, s.plan.downsample, s.plan.level_width,
                       s.plan.level_height, s.read_mode, s.options.device);
        const int widest = static_cast<int>(std::max<std::int64_t>(kMaxRunSpan, size));
        run_rgb = tiling::Image<std::uint8_t>(widest, size, 3);
      }
      for (std::size_t r = next++; r < runs.size() && !failed; r = next++) {
        const PlannedPatch& first = s.plan.patches[runs[r].begin];
        const PlannedPatch& last = s.plan.patches[runs[r].end - 1];
        const int width = static_cast<int>(last.level_x - first.level_x) + size;
        tiling::ConstImageU8 rgb;
        if (s.patch_level) {  // the run's pixels are already decoded
          rgb = s.patch_level->rgb.View().Crop(static_cast<int>(first.level_x),
                                               static_cast<int>(first.level_y), width, size);
        } else {
          const tiling::ImageU8 target = run_rgb.View().Crop(0, 0, width, size);
          reader->ReadRgb(first.level_x, first.level_y, target, &tile_cache);  // one call
          rgb = target;
        }
        for (std::size_t i = runs[r].begin; i < runs[r].end; ++i) {
          int offset = static_cast<int>(s.plan.patches[i].level_x - first.level_x);
          StorePatch(s, i, rgb.Crop(offset, 0, size, size), normalised, mask);
          std::lock_guard lock(mutex);
          if (on_patch) on_patch();
        }
      }
    } catch (...) {
      std::lock_guard lock(mutex);
      if (!failure) failure = std::current_exception();
      failed = true;
      s.shard.Abandon();  // workers waiting for this one's patches in the shard give up
    }
  };
  std::vector<std::thread> threads;
  for (int i = 1; i < workers; ++i) threads.emplace_back(work);
  work();
  for (std::thread& thread : threads) thread.join();
  if (failure) std::rethrow_exception(failure);
}

nlohmann::json MetadataOf(const SlideJob& job, const TileOptions& options, const SlidePlan& plan,
                          const std::string& vendor, const ReadMode& read_mode,
                          const std::vector<std::string>& names) {
  const auto& m = plan.mask;
  nlohmann::json patches = nlohmann::json::array();
  for (std::size_t i = 0; i < plan.patches.size(); ++i) {
    const PlannedPatch& p = plan.patches[i];
    patches.push_back({{"x", p.x},
                       {"y", p.y},
                       {"level", options.level},
                       {"tissue_fraction", std::round(p.tissue * 1e6) / 1e6},
                       {"label", LabelName(p.label)},
                       {"name", names[i]}});
  }
  return {{"slide", job.path.filename().string()},
          {"split", job.split},
          {"vendor", vendor},
          {"level", options.level},
          {"downsample", plan.downsample},
          {"patch_size", options.patch_size},
          {"stride", options.stride},
          {"sampling", options.sampling == Sampling::kGrid ? "grid" : "random"},
          {"format", options.jpeg ? "jpeg" : "png"},
          {"images", options.images},
          {"decoder", read_mode.direct ? "libtiff+turbojpeg" : "openslide"},
          {"decoder_reason", read_mode.reason},
          {"level_size", {plan.level_width, plan.level_height}},
          {"candidates", plan.candidates},
          {"mask",
           {{"level", plan.mask_level},
            {"factor", plan.mask_factor},
            {"width", plan.mask_width},
            {"height", plan.mask_height},
            {"background", m.fluorescence ? "fluorescence" : "brightfield"},
            {"border_median_gray", m.background.border_median_gray},
            {"method", m.method == tiling::MaskMethod::kOtsuGray ? "otsu-gray" : "saturation"},
            {"threshold", m.threshold},
            {"polarity", m.polarity == tiling::Polarity::kBelow ? "below" : "above"},
            {"tissue_fraction", m.tissue_fraction}}},
          {"patches", std::move(patches)}};
}

}  // namespace

/// The longer side of the thumbnail written next to a slide's metadata, at least (pixels).
constexpr int kThumbnailSide = 512;

SlideOutputs OutputsOf(const SlideJob& job) {
  fs::path split = fs::path("slide-patch") / job.split;
  return {split / "image", split / "ground-truth", split / "shard" / (job.stem + ".ctpshard"),
          fs::path("preprocess-metadata") / (job.stem + ".json"),
          fs::path("preprocess-metadata") / (job.stem + ".thumbnail.png")};
}

TiledSlide TileSlide(const SlideJob& job, const TileOptions& options, const fs::path& staging,
                     const std::function<void()>& on_patch) {
  std::vector<LabelledRegion> regions = LoadRegions(options.data_root, job.stem);
  Slide slide(job.path);
  std::uint64_t seed = options.seed;
  for (char c : job.stem) seed = (seed ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  // A small picture of the whole slide, for reports (the kept patch grid is drawn over it).
  LowResolutionImage thumbnail;
  DecodedLevel patch_level;  // the patch level when the mask and thumbnail read decoded it whole
  SlidePlan plan = PlanSlide(slide, regions, options, seed, kThumbnailSide, thumbnail, patch_level);
  TiledSlide result;
  for (const PlannedPatch& p : plan.patches)
    result.image_names.push_back(fmt::format("{}_{}_{}", job.stem, p.x, p.y));
  SlideOutputs out = OutputsOf(job);
  for (const fs::path& dir : {out.shard.parent_path(), out.metadata.parent_path()})
    fs::create_directories(staging / dir);
  if (options.images) {
    result.images =
        std::make_unique<PatchFiles>(options.data_root / out.image_dir, staging / out.image_dir);
    result.ground_truth = std::make_unique<PatchFiles>(options.data_root / out.ground_truth_dir,
                                                       staging / out.ground_truth_dir);
  }
  const ReadMode read_mode = ChooseReadMode(job.path, slide, options.level, options.direct_decode);
  // The same pixels as the workers' reader would decode (checked), so cut instead of read.
  if (!DecodedLevelServesPatches(patch_level, options.level, plan.downsample, read_mode))
    patch_level = {};
  PatchShardWriter shard(
      staging / out.shard,
      MakeShardHeader(plan.patches.size(), options.patch_size, options.patch_size, options.level));
  std::array<std::size_t, 3> uniform_ground_truth{};
  const std::uint8_t uniform_values[3] = {0, 155, 255};
  if (result.ground_truth)
    for (int i = 0; i < 3; ++i)
      uniform_ground_truth[i] = result.ground_truth->AddShared(EncodePng(
          tiling::Image<std::uint8_t>(options.patch_size, options.patch_size, 1, uniform_values[i])
              .View(),
          options.png_compression));
  Shared shared{job,
                options,
                plan,
                regions,
                result.image_names,
                uniform_ground_truth,
                read_mode,
                patch_level.level >= 0 ? &patch_level : nullptr,
                result.images.get(),
                result.ground_truth.get(),
                shard};
  RunWorkers(shared, GroupRuns(plan.patches, options.patch_size), on_patch);
  patch_level = {};  // freed before the thumbnail and metadata are written
  shard.Close();
  result.metadata = MetadataOf(job, options, plan, slide.Vendor(), read_mode, result.image_names);
  WriteBytes(staging / out.thumbnail, EncodePng(thumbnail.rgb.View(), options.png_compression));
  result.metadata["thumbnail"] = {
      {"file", out.thumbnail.filename().string()},
      {"downsample", slide.Downsample(thumbnail.level) * thumbnail.factor}};
  WriteBytes(staging / out.metadata, result.metadata.dump(1));
  return result;
}

}  // namespace ctp::native
