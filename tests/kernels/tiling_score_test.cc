// Tests of the integral image and patch scoring against brute force, and their CPU/CUDA parity.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <vector>

#include "ctp/kernels/tiling/patch_score.h"
#include "cuda_test_support.h"

namespace {

using ctp::kernels::Device;
using namespace ctp::kernels::tiling;

/// A w x h mask of random 0/255 blobs (runs along rows so that fractions vary).
Image<std::uint8_t> RandomMask(int w, int h, unsigned seed) {
  std::mt19937 rng(seed);
  Image<std::uint8_t> mask(w, h, 1);
  for (int y = 0; y < h; ++y) {
    std::uint8_t v = 0;
    for (int x = 0; x < w; ++x) {
      if (rng() % 7 == 0) v = v ? 0 : 255;
      mask.View().At(x, y)[0] = v;
    }
  }
  return mask;
}

/// Brute-force fraction following the documented mapping, with its own loops.
double BruteFraction(const Image<std::uint8_t>& mask, PatchBox b, MaskScale s) {
  long x0 = static_cast<long>(std::floor(b.x / s.downsample_x));
  long y0 = static_cast<long>(std::floor(b.y / s.downsample_y));
  long x1 = std::max(static_cast<long>(std::ceil((b.x + b.width) / s.downsample_x)), x0 + 1);
  long y1 = std::max(static_cast<long>(std::ceil((b.y + b.height) / s.downsample_y)), y0 + 1);
  x0 = std::clamp(x0, 0L, static_cast<long>(mask.width));
  x1 = std::clamp(x1, 0L, static_cast<long>(mask.width));
  y0 = std::clamp(y0, 0L, static_cast<long>(mask.height));
  y1 = std::clamp(y1, 0L, static_cast<long>(mask.height));
  if (x1 <= x0 || y1 <= y0) return 0;
  long on = 0;
  for (long y = y0; y < y1; ++y)
    for (long x = x0; x < x1; ++x) on += mask.pixels[y * mask.width + x] != 0;
  return static_cast<double>(on) / static_cast<double>((x1 - x0) * (y1 - y0));
}

/// Boxes with fractional positions and sizes, some partly or wholly outside the mask.
std::vector<PatchBox> RandomBoxes(int n, double extent_x, double extent_y, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> ux(-0.1 * extent_x, 1.05 * extent_x);
  std::uniform_real_distribution<double> uy(-0.1 * extent_y, 1.05 * extent_y);
  std::uniform_real_distribution<double> size(0.5, 0.3 * extent_x);
  std::vector<PatchBox> boxes(n);
  for (PatchBox& b : boxes) b = {ux(rng), uy(rng), size(rng), size(rng)};
  return boxes;
}

}  // namespace

TEST_CASE("tiling: integral image matches brute-force counts") {
  const Image<std::uint8_t> mask = RandomMask(37, 23, 1);
  Image<std::uint32_t> integral(38, 24, 1, 7);
  IntegralImage(mask.View(), integral.View());
  for (int y = 0; y <= 23; ++y)
    for (int x = 0; x <= 37; ++x) {
      std::uint32_t want = 0;
      for (int yy = 0; yy < y; ++yy)
        for (int xx = 0; xx < x; ++xx) want += mask.pixels[yy * 37 + xx] != 0;
      REQUIRE(integral.View().At(x, y)[0] == want);
    }
  Image<std::uint32_t> wrong(37, 23, 1);
  CHECK_THROWS_AS(IntegralImage(mask.View(), wrong.View()), std::invalid_argument);
}

TEST_CASE("tiling: patch scores match brute force for integer and fractional scales") {
  const Image<std::uint8_t> mask = RandomMask(120, 90, 2);
  Image<std::uint32_t> integral(121, 91, 1);
  IntegralImage(mask.View(), integral.View());
  for (MaskScale scale : {MaskScale{1, 1}, MaskScale{4, 4}, MaskScale{2.8983, 2.8975}}) {
    const std::vector<PatchBox> boxes =
        RandomBoxes(400, 120 * scale.downsample_x, 90 * scale.downsample_y, 3);
    std::vector<float> fractions(boxes.size());
    ScorePatches(integral.View(), boxes, scale, fractions);
    int bad = 0;
    for (std::size_t i = 0; i < boxes.size(); ++i)
      bad += std::fabs(fractions[i] - BruteFraction(mask, boxes[i], scale)) > 1e-6;
    CHECK(bad == 0);
  }
}

TEST_CASE("tiling: score edge cases: full, empty, tiny and outside boxes") {
  Image<std::uint8_t> mask(10, 10, 1, 1);
  for (int x = 0; x < 10; ++x) mask.pixels[x] = 0;  // top row empty
  Image<std::uint32_t> integral(11, 11, 1);
  IntegralImage(mask.View(), integral.View());
  const std::vector<PatchBox> boxes = {
      {0, 0, 40, 40},        // whole mask at 4x: 90 of 100
      {0, 0, 4, 4},          // one mask pixel, empty row
      {4.5, 4.5, 0.1, 0.1},  // smaller than a mask pixel: still one pixel
      {100, 100, 8, 8},      // outside
      {-8, 4, 8, 4},         // left of the mask: empty after clipping
  };
  std::vector<float> f(boxes.size());
  ScorePatches(integral.View(), boxes, {4, 4}, f);
  CHECK(f[0] == doctest::Approx(0.9));
  CHECK(f[1] == 0.f);
  CHECK(f[2] == 1.f);
  CHECK(f[3] == 0.f);
  CHECK(f[4] == 0.f);
  std::vector<float> short_out(2);
  CHECK_THROWS_AS(ScorePatches(integral.View(), boxes, {4, 4}, short_out), std::invalid_argument);
  CHECK_THROWS_AS(ScorePatches(integral.View(), boxes, {0, 4}, f), std::invalid_argument);
}

TEST_CASE("tiling: full-patch grid drops partial edge patches like the reference tiler") {
  const PatchGrid grid = FullPatchGrid(2220, 2967, 256, 256);  // CMU-1-Small-Region: 88 patches
  CHECK(grid.cols == 8);
  CHECK(grid.rows == 11);
  const std::vector<PatchBox> boxes = GridBoxes(grid);
  REQUIRE(boxes.size() == 88);
  CHECK(boxes[9].x == 256);
  CHECK(boxes[9].y == 256);
  CHECK(boxes[87].x == 7 * 256);
  CHECK(FullPatchGrid(100, 100, 256, 256).cols == 0);
  CHECK(FullPatchGrid(1000, 300, 256, 128).cols == 6);
}

CTP_CUDA_TEST_CASE("tiling: CUDA parity of integral image and patch scoring") {
  for (int w : {1, 255, 256, 257, 777}) {  // scan tile boundaries
    const Image<std::uint8_t> mask = RandomMask(w, 61, 4 + w);
    Image<std::uint32_t> cpu(w + 1, 62, 1), gpu(w + 1, 62, 1);
    IntegralImage(mask.View(), cpu.View(), Device::kCpu);
    IntegralImage(mask.View(), gpu.View(), Device::kCuda);
    CHECK(cpu.pixels == gpu.pixels);
    const std::vector<PatchBox> boxes = RandomBoxes(1000, w * 2.5, 61 * 2.5, 5);
    std::vector<float> a(boxes.size()), b(boxes.size());
    ScorePatches(cpu.View(), boxes, {2.5, 2.5}, a, Device::kCpu);
    ScorePatches(cpu.View(), boxes, {2.5, 2.5}, b, Device::kCuda);
    ctp::kernels::testing::CheckClose(b.data(), a.data(), a.size(), 0.f, 0.f, "fractions");
  }
}
