// Tiling ops on realistic sizes, CPU and CUDA (Arg 0 = cpu, 1 = cuda; CUDA includes the host <->
// device staging that the launchers do). Without a device the CUDA runs report "no CUDA device".
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>
#include <vector>

#include "ctp/kernels/device.h"
#include "ctp/kernels/tiling/color.h"
#include "ctp/kernels/tiling/packing.h"
#include "ctp/kernels/tiling/patch_score.h"
#include "ctp/kernels/tiling/polygon.h"
#include "ctp/kernels/tiling/reinhard.h"
#include "ctp/kernels/tiling/tissue_mask.h"

namespace {

using ctp::kernels::Device;
using namespace ctp::kernels::tiling;

/// The device of a run; false (and the run skipped) when it is CUDA and there is none.
bool PickDevice(benchmark::State& state, Device* device) {
  *device = state.range(0) == 0 ? Device::kCpu : Device::kCuda;
  if (*device == Device::kCuda && !ctp::kernels::CudaAvailable()) {
    state.SkipWithError("no CUDA device");
    return false;
  }
  return true;
}

/// A thumbnail-like RGB image: noisy white glass with pink tissue blobs and specks.
Image<std::uint8_t> Thumbnail(int w, int h) {
  std::mt19937 rng(1);
  Image<std::uint8_t> image(w, h, 3);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const double u = std::sin(x * 0.01) * std::cos(y * 0.013) + (rng() % 100) * 0.004;
      const bool tissue = u > 0.3;
      std::uint8_t* px = image.View().At(x, y);
      px[0] = static_cast<std::uint8_t>(tissue ? 190 + rng() % 20 : 240 + rng() % 10);
      px[1] = static_cast<std::uint8_t>(tissue ? 110 + rng() % 20 : 240 + rng() % 10);
      px[2] = static_cast<std::uint8_t>(tissue ? 160 + rng() % 20 : 240 + rng() % 10);
    }
  return image;
}

void BM_TissueMask2000(benchmark::State& state) {
  Device device;
  if (!PickDevice(state, &device)) return;
  const Image<std::uint8_t> rgb = Thumbnail(2000, 2000);
  Image<std::uint8_t> mask(2000, 2000, 1);
  TissueMaskOptions options;
  options.min_hole_pixels = options.min_speck_pixels = 64;
  for (auto _ : state)
    benchmark::DoNotOptimize(ComputeTissueMask(rgb.View(), options, mask.View(), device));
  state.SetItemsProcessed(state.iterations() * 2000 * 2000);
}
BENCHMARK(BM_TissueMask2000)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_ArgbToRgb2000(benchmark::State& state) {
  Device device;
  if (!PickDevice(state, &device)) return;
  Image<std::uint32_t> argb(2000, 2000, 1, 0x80402040u);
  Image<std::uint8_t> rgb(2000, 2000, 3);
  for (auto _ : state) PremultipliedArgbToRgb(argb.View(), rgb.View(), device);
  state.SetItemsProcessed(state.iterations() * 2000 * 2000);
}
BENCHMARK(BM_ArgbToRgb2000)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_IntegralImage2000(benchmark::State& state) {
  Device device;
  if (!PickDevice(state, &device)) return;
  Image<std::uint8_t> mask(2000, 2000, 1);
  ComputeTissueMask(Thumbnail(2000, 2000).View(), {}, mask.View());
  Image<std::uint32_t> integral(2001, 2001, 1);
  for (auto _ : state) IntegralImage(mask.View(), integral.View(), device);
  state.SetItemsProcessed(state.iterations() * 2000 * 2000);
}
BENCHMARK(BM_IntegralImage2000)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_ScorePatchGrid200x200(benchmark::State& state) {
  Device device;
  if (!PickDevice(state, &device)) return;
  Image<std::uint8_t> mask(2000, 2000, 1);
  ComputeTissueMask(Thumbnail(2000, 2000).View(), {}, mask.View());
  Image<std::uint32_t> integral(2001, 2001, 1);
  IntegralImage(mask.View(), integral.View());
  const std::vector<PatchBox> boxes = GridBoxes(FullPatchGrid(51200, 51200, 256, 256));
  std::vector<float> fractions(boxes.size());
  for (auto _ : state) ScorePatches(integral.View(), boxes, {25.6, 25.6}, fractions, device);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(boxes.size()));
}
BENCHMARK(BM_ScorePatchGrid200x200)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

void BM_RasterizePolygon1000(benchmark::State& state) {
  Device device;
  if (!PickDevice(state, &device)) return;
  std::mt19937 rng(2);
  Polygon polygon{{std::vector<Point2d>(1000)}};
  for (int i = 0; i < 1000; ++i) {
    const double angle = 2 * std::numbers::pi * i / 1000, r = 400 + rng() % 600;
    polygon.rings[0][i] = {5000 + r * std::cos(angle), 5000 + r * std::sin(angle)};
  }
  const RasterTransform transform{4488, 4488, 0.25, 0.25};  // a 1024 px patch at 256 px
  Image<std::uint8_t> mask(256, 256, 1);
  for (auto _ : state) RasterizePolygon(polygon, transform, 255, mask.View(), device);
  state.SetItemsProcessed(state.iterations() * 256 * 256);
}
BENCHMARK(BM_RasterizePolygon1000)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

void BM_Reinhard256(benchmark::State& state) {
  Device device;
  if (!PickDevice(state, &device)) return;
  const Image<std::uint8_t> src = Thumbnail(256, 256);
  const LabStats target = ComputeLabStats(Thumbnail(300, 200).View());
  Image<std::uint8_t> dst(256, 256, 3);
  for (auto _ : state) ReinhardNormalize(src.View(), target, dst.View(), device);
  state.SetItemsProcessed(state.iterations() * 256 * 256);
}
BENCHMARK(BM_Reinhard256)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

/// 128 RGB patches of 256 x 256 and views on them.
struct Batch {
  std::vector<Image<std::uint8_t>> images;  ///< Pixel storage.
  std::vector<ConstImageU8> views;          ///< One view per patch.
  Batch() {
    const Image<std::uint8_t> source = Thumbnail(256, 256);
    images.assign(128, source);
    for (const Image<std::uint8_t>& image : images) views.push_back(image.View());
  }
};

void BM_PackNhwc128(benchmark::State& state) {
  Device device;
  if (!PickDevice(state, &device)) return;
  const Batch batch;
  std::vector<std::uint8_t> out(128 * 256 * 256 * 3);
  for (auto _ : state) PackPatchesNhwc(batch.views, 256, 256, out, device);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(out.size()));
}
BENCHMARK(BM_PackNhwc128)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_PackNchwFloat128(benchmark::State& state) {
  Device device;
  if (!PickDevice(state, &device)) return;
  const Batch batch;
  const ChannelNormalization norm{{0.485f, 0.456f, 0.406f}, {0.229f, 0.224f, 0.225f}};
  std::vector<float> out(128 * 3 * 256 * 256);
  for (auto _ : state) PackPatchesNchwFloat(batch.views, 256, 256, norm, out, device);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(out.size() * 4));
}
BENCHMARK(BM_PackNchwFloat128)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace
