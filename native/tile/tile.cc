// tile: turns new or changed slides under a data root into tissue-filtered, labelled patches
// (images, ground-truth masks, a packed shard and metadata per slide), incrementally.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>

#include "ctp/base/atomic_file.h"
#include "ctp/base/cpu_cores.h"
#include "device_arg.h"
#include "native_steps.h"
#include "slide/slide_files.h"
#include "tile/tile_checkpoint.h"
#include "tile/tile_slide.h"

namespace ctp::native {
namespace {

namespace fs = std::filesystem;
namespace tiling = kernels::tiling;

std::vector<NativeArg> TileArgs() {
  return {
      {"data", ArgType::kPath, true, std::nullopt,
       "data root holding slide/<split>/*.svs|ndpi|tiff|... and region-annotation/"},
      {"splits", ArgType::kList, false, "train,test", "sub-folders of slide/ to tile"},
      {"patch_size", ArgType::kInt, false, "256", "patch side in pixels of --level"},
      {"stride", ArgType::kInt, false, "0", "grid step in pixels of --level (0 = patch_size)"},
      {"level", ArgType::kInt, false, "0", "slide level the patches are read at"},
      {"min_tissue", ArgType::kFloat, false, "0.5",
       "keep patches whose tissue fraction is >= this"},
      {"sampling",
       ArgType::kChoice,
       false,
       "grid",
       "grid, or random (samples_per_region per region)",
       {"grid", "random"}},
      {"samples_per_region", ArgType::kInt, false, "16",
       "random sampling: patches per annotated region"},
      {"seed", ArgType::kInt, false, "0", "random sampling: seed (with the slide name)"},
      {"keep_unlabelled", ArgType::kBool, false, "false", "also keep patches outside every region"},
      {"format", ArgType::kChoice, false, "png", "patch images", {"png", "jpeg"}},
      {"jpeg_quality", ArgType::kInt, false, "90", "JPEG quality 1..100"},
      {"png_compression", ArgType::kInt, false, "1", "PNG zlib level 0..9 (row filter: Up)"},
      {"images", ArgType::kBool, false, "true",
       "write per-patch image and ground-truth files (false: shard + metadata only)"},
      {"decoder",
       ArgType::kChoice,
       false,
       "auto",
       "patch pixels: auto (JPEG tiles of Aperio/generic TIFF decoded directly, else OpenSlide) | "
       "openslide",
       {"auto", "openslide"}},
      {"mask_method",
       ArgType::kChoice,
       false,
       "otsu",
       "brightfield tissue channel: otsu (gray) | saturation",
       {"otsu", "saturation"}},
      {"background",
       ArgType::kChoice,
       false,
       "auto",
       "auto | brightfield | fluorescence | brightfield-only (auto, but fail fluorescence slides)",
       {"auto", "brightfield", "fluorescence", "brightfield-only"}},
      {"mask_min_side", ArgType::kInt, false, "1024", "tissue mask image: longer side >= this"},
      {"min_hole_pixels", ArgType::kInt, false, "64", "mask cleanup: fill smaller holes (0 = off)"},
      {"min_speck_pixels", ArgType::kInt, false, "64",
       "mask cleanup: drop smaller specks (0 = off)"},
      {"normalize",
       ArgType::kChoice,
       false,
       "none",
       "none | reinhard (needs reinhard_target)",
       {"none", "reinhard"}},
      {"reinhard_target", ArgType::kList, false, "",
       "Reinhard target: l_mean,a_mean,b_mean,l_std,a_std,b_std (l-alpha-beta)"},
      {"threads", ArgType::kInt, false, "0",
       "worker threads, one OpenSlide handle each (0 = all cores)"},
      {"fail_on_error", ArgType::kBool, false, "true",
       "fail the step after tiling the others when a slide failed (false: warn only)"},
      DeviceArg("where the pixel kernels run: auto (CUDA when a GPU is visible) | cpu | cuda"),
  };
}

void Require(bool ok, const std::string& message) {
  if (!ok) throw std::invalid_argument("tile: " + message);
}

/// The six numbers of --reinhard_target.
tiling::LabStats ReinhardTarget(const std::vector<std::string>& items) {
  Require(items.size() == 6, "--normalize reinhard needs --reinhard_target with 6 numbers");
  tiling::LabStats target;
  for (int i = 0; i < 6; ++i) {
    const std::optional<double> value = ParseFloatText(items[i]);
    Require(value.has_value(), fmt::format("--reinhard_target: '{}' is not a number", items[i]));
    (i < 3 ? target.mean[i] : target.stddev[i - 3]) = static_cast<float>(*value);
  }
  return target;
}

/// The largest patch side: a patch is read whole into memory per worker (8192² RGB is 192 MiB).
constexpr long long kMaxPatchSize = 8192;

TileOptions ParseOptions(const StepContext& a) {
  TileOptions o;
  o.data_root = a.Path("data");
  o.splits = a.List("splits");
  Require(a.Int("patch_size") <= kMaxPatchSize && a.Int("stride") <= kMaxPatchSize,
          fmt::format("--patch_size and --stride must be at most {}", kMaxPatchSize));
  o.patch_size = static_cast<int>(a.Int("patch_size"));
  o.stride = static_cast<int>(a.Int("stride"));
  if (o.stride == 0) o.stride = o.patch_size;
  o.level = static_cast<int>(a.Int("level"));
  o.min_tissue = a.Float("min_tissue");
  o.sampling = a.Choice("sampling") == "grid" ? Sampling::kGrid : Sampling::kRandom;
  o.samples_per_region = static_cast<int>(a.Int("samples_per_region"));
  o.seed = static_cast<std::uint64_t>(a.Int("seed"));
  o.keep_unlabelled = a.Bool("keep_unlabelled");
  o.jpeg = a.Choice("format") == "jpeg";
  o.jpeg_quality = static_cast<int>(a.Int("jpeg_quality"));
  o.png_compression = static_cast<int>(a.Int("png_compression"));
  o.images = a.Bool("images");
  o.direct_decode = a.Choice("decoder") == "auto";
  o.mask.method = a.Choice("mask_method") == "otsu" ? tiling::MaskMethod::kOtsuGray
                                                    : tiling::MaskMethod::kSaturation;
  const std::string& background = a.Choice("background");
  o.mask.background = background == "brightfield"    ? tiling::Background::kBrightfield
                      : background == "fluorescence" ? tiling::Background::kFluorescence
                                                     : tiling::Background::kAuto;
  o.refuse_fluorescence = background == "brightfield-only";
  o.mask_min_side = static_cast<int>(a.Int("mask_min_side"));
  o.mask.min_hole_pixels = static_cast<int>(a.Int("min_hole_pixels"));
  o.mask.min_speck_pixels = static_cast<int>(a.Int("min_speck_pixels"));
  if (a.Choice("normalize") == "reinhard") o.reinhard = ReinhardTarget(a.List("reinhard_target"));
  const long long threads = a.Int("threads");
  o.threads = threads > 0 ? static_cast<int>(threads) : base::UsableCpuCores();
  o.fail_on_error = a.Bool("fail_on_error");
  o.device = DeviceFromArgs(a);
  Require(o.patch_size > 0 && o.stride > 0, "--patch_size and --stride must be positive");
  Require(o.level >= 0, "--level must be >= 0");
  Require(o.min_tissue >= 0 && o.min_tissue <= 1, "--min_tissue must be in [0, 1]");
  Require(o.samples_per_region > 0, "--samples_per_region must be positive");
  Require(o.jpeg_quality >= 1 && o.jpeg_quality <= 100, "--jpeg_quality must be in 1..100");
  Require(o.png_compression >= 0 && o.png_compression <= 9, "--png_compression must be in 0..9");
  Require(o.mask_min_side > 0, "--mask_min_side must be positive");
  Require(fs::is_directory(o.data_root / "slide"),
          fmt::format("--data {}: no slide/ folder there", o.data_root.string()));
  return o;
}

// Slide files (extensions OpenSlide reads) of each split, sorted by name.
std::vector<SlideJob> FindSlides(const TileOptions& options) {
  std::vector<SlideJob> jobs;
  for (const std::string& split : options.splits) {
    const std::vector<fs::path> files = SlideFilesIn(options.data_root / "slide" / split);
    for (const fs::path& file : files)
      jobs.push_back({file, split, file.stem().string(),
                      (fs::path("slide") / split / file.filename()).string()});
  }
  return jobs;
}

// Counters of one run, reported as progress and outputs.
struct Tally {
  std::size_t slides_total = 0, slides_done = 0, slides_skipped = 0, patches = 0;
  std::vector<std::string> failures;
  std::vector<std::string> warnings;
  nlohmann::json per_slide = nlohmann::json::array();
};

void Report(StepContext& context, const Tally& tally, const std::string& current) {
  if (!context.progress) return;
  context.progress(
      {static_cast<double>(tally.slides_done + tally.slides_skipped + tally.failures.size()),
       static_cast<double>(tally.slides_total), "slides",
       fmt::format("{} patches; {}", tally.patches, current)});
}

// Tiles one slide (patch files straight into place, the rest into staging), then commits its
// outputs and checkpoints it. On failure its patch files are removed and the previous run's stay.
void ProcessSlide(StepContext& context, const TileOptions& options, const SlideJob& job,
                  TileCheckpoint& checkpoint, Tally& tally) {
  const fs::path staging = options.data_root / ".ctp-tile-staging" / job.split / job.stem;
  fs::remove_all(staging);
  auto start = std::chrono::steady_clock::now();
  std::size_t patches = 0;
  try {
    TiledSlide tiled = TileSlide(job, options, staging, [&] {
      ++patches;
      if (patches % 64 == 0)
        Report(context, tally, fmt::format("{}: {} patches", job.relative, patches));
    });
    CommitSlide(options.data_root, staging, job, tiled);
    checkpoint.MarkDone(job, SlideFingerprint(options, job), tiled.image_names.size());
    checkpoint.Save();
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    tally.patches += tiled.image_names.size();
    ++tally.slides_done;
    tally.per_slide.push_back({{"slide", job.relative},
                               {"patches", tiled.image_names.size()},
                               {"seconds", std::round(seconds * 1000) / 1000},
                               {"background", tiled.metadata["mask"]["background"]}});
    if (tiled.metadata["candidates"] == 0 && options.sampling == Sampling::kGrid) {
      const nlohmann::json& level_size = tiled.metadata["level_size"];
      tally.warnings.push_back(fmt::format(
          "{}: smaller than one patch ({}x{} pixels at level {}, --patch_size {}): no patches",
          job.relative, level_size[0].get<std::int64_t>(), level_size[1].get<std::int64_t>(),
          options.level, options.patch_size));
      if (context.log) *context.log << "warning: " << tally.warnings.back() << "\n";
    }
    if (context.log)
      *context.log << fmt::format("{}: {} patches in {:.2f} s ({}, {})\n", job.relative,
                                  tiled.image_names.size(), seconds,
                                  tiled.metadata["mask"]["background"].get<std::string>(),
                                  tiled.metadata["decoder"].get<std::string>());
  } catch (const std::exception& e) {
    std::error_code ignored;
    fs::remove_all(staging, ignored);
    tally.failures.push_back(fmt::format("{}: {}", job.relative, e.what()));
    if (context.log) *context.log << "error: " << tally.failures.back() << "\n";
  }
}

void RunTile(StepContext& context) {
  const TileOptions options = ParseOptions(context);
  std::vector<SlideJob> jobs = FindSlides(options);
  TileCheckpoint checkpoint = TileCheckpoint::Load(options.data_root);
  Tally tally;
  tally.slides_total = jobs.size();
  if (context.log)
    *context.log << fmt::format("tile: {} slide{} found, kernels on {}\n", jobs.size(),
                                jobs.size() == 1 ? "" : "s", kernels::DeviceName(options.device));
  for (const SlideJob& job : jobs) {
    if (context.cancelled && *context.cancelled) throw std::runtime_error("tile: cancelled");
    if (checkpoint.IsDone(job, SlideFingerprint(options, job))) {
      ++tally.slides_skipped;
      continue;
    }
    Report(context, tally, job.relative);
    ProcessSlide(context, options, job, checkpoint, tally);
  }
  std::error_code ignored;
  fs::remove_all(options.data_root / ".ctp-tile-staging", ignored);
  Report(context, tally, "done");
  nlohmann::json summary = {{"device", kernels::DeviceName(options.device)},
                            {"slides_tiled", tally.slides_done},
                            {"slides_skipped", tally.slides_skipped},
                            {"slides_failed", tally.failures.size()},
                            {"patches", tally.patches},
                            {"failures", tally.failures},
                            {"warnings", tally.warnings},
                            {"slides", tally.per_slide}};
  context.WriteOutput("patches", std::to_string(tally.patches));
  context.WriteOutput("slides", std::to_string(tally.slides_done));
  base::WriteFileAtomically(context.OutputPath("summary"), summary.dump(1) + "\n");
  if (context.metric) context.metric("patches", static_cast<double>(tally.patches), -1);
  if (!tally.failures.empty() && options.fail_on_error)
    throw std::runtime_error(fmt::format("tile: {} slide{} failed:\n  {}", tally.failures.size(),
                                         tally.failures.size() == 1 ? "" : "s",
                                         fmt::join(tally.failures, "\n  ")));
}

}  // namespace

NativeStep MakeTileStep() {
  NativeStep step;
  step.name = "tile";
  step.version = "1";
  step.description =
      "Tiles new or changed slides under --data into tissue-filtered, labelled patches "
      "(slide-patch/<split>/{image,ground-truth,shard}, preprocess-metadata/), incrementally "
      "(preprocess-checkpoint.json).";
  step.args = TileArgs();
  step.outputs = {{"patches", ValueKind::kParameter, "number of patches written by this run"},
                  {"slides", ValueKind::kParameter, "number of slides tiled by this run"},
                  {"summary", ValueKind::kArtifact,
                   "JSON: slides tiled/skipped/failed, patches, failures, per-slide timings"}};
  step.run = RunTile;
  return step;
}

}  // namespace ctp::native
