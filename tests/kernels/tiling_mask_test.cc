// Tests of the tissue-mask ops: ARGB conversion, gray/saturation, histogram, Otsu, thresholding,
// cleanup, background detection, the whole pipeline, and their CPU/CUDA parity.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <vector>

#include "ctp/kernels/tiling/color.h"
#include "ctp/kernels/tiling/mask_cleanup.h"
#include "ctp/kernels/tiling/threshold.h"
#include "ctp/kernels/tiling/tissue_mask.h"
#include "cuda_test_support.h"

namespace {

using ctp::kernels::Device;
using namespace ctp::kernels::tiling;

/// Packs a premultiplied ARGB pixel.
std::uint32_t Argb(unsigned a, unsigned r, unsigned g, unsigned b) {
  return a << 24 | r << 16 | g << 8 | b;
}

/// True when (x, y) lies in the ellipse centred at (cx, cy) with radii rx, ry.
bool InEllipse(int x, int y, double cx, double cy, double rx, double ry) {
  const double dx = (x + 0.5 - cx) / rx, dy = (y + 0.5 - cy) / ry;
  return dx * dx + dy * dy <= 1.0;
}

/// An RGB image: `background` everywhere, `blob` inside a centred ellipse, +-noise per value.
Image<std::uint8_t> BlobImage(int w, int h, std::uint8_t background, const std::uint8_t* blob,
                              int noise, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> jitter(-noise, noise);
  Image<std::uint8_t> image(w, h, 3);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int c = 0; c < 3; ++c) {
        const int base = InEllipse(x, y, w / 2.0, h / 2.0, w / 4.0, h / 4.0) ? blob[c] : background;
        image.View().At(x, y)[c] =
            static_cast<std::uint8_t>(std::clamp(base + jitter(rng), 0, 255));
      }
  return image;
}

/// Number of pixels where the mask (nonzero) disagrees with the centred ellipse.
int EllipseMismatches(const Image<std::uint8_t>& mask) {
  int bad = 0;
  for (int y = 0; y < mask.height; ++y)
    for (int x = 0; x < mask.width; ++x)
      bad += (mask.View().At(x, y)[0] != 0) != InEllipse(x, y, mask.width / 2.0, mask.height / 2.0,
                                                         mask.width / 4.0, mask.height / 4.0);
  return bad;
}

const std::uint8_t kPink[3] = {200, 120, 170};    // gray 150, saturation 102
const std::uint8_t kBright[3] = {170, 190, 170};  // fluorescence-ish, gray 180

}  // namespace

TEST_CASE("tiling: premultiplied ARGB over white and un-premultiplied") {
  // Row 0: transparent, opaque, half alpha, inconsistent (c > a). Row 1 is padding-strided.
  std::vector<std::uint32_t> argb = {Argb(0, 0, 0, 0), Argb(255, 10, 20, 30), Argb(128, 64, 0, 128),
                                     Argb(10, 200, 0, 10), 0xdeadbeef};
  ConstImageU32 view{argb.data(), 4, 1, 1, 5};
  Image<std::uint8_t> rgb(4, 1, 3), rgba(4, 1, 4);
  PremultipliedArgbToRgb(view, rgb.View());
  PremultipliedArgbToRgba(view, rgba.View());
  CHECK(rgb.pixels ==
        std::vector<std::uint8_t>{255, 255, 255, 10, 20, 30, 191, 127, 255, 255, 245, 255});
  CHECK(rgba.pixels ==
        std::vector<std::uint8_t>{0, 0, 0, 0, 10, 20, 30, 255, 128, 0, 255, 128, 255, 0, 255, 10});
  CHECK_THROWS_AS(PremultipliedArgbToRgb(view, rgba.View()), std::invalid_argument);
}

TEST_CASE("tiling: gray and saturation of known colours, strided input") {
  // Two rows of 3 RGBA pixels with 2 bytes of row padding; alpha must be ignored.
  std::vector<std::uint8_t> px = {255, 0,   0,   9, 0,   255, 0,   9,   0,   0,   255, 9, 7, 7,
                                  255, 255, 255, 0, 200, 120, 170, 255, 128, 128, 128, 3, 7, 7};
  ConstImageU8 view{px.data(), 3, 2, 4, 14};
  Image<std::uint8_t> gray(3, 2, 1), sat(3, 2, 1);
  RgbToGray(view, gray.View());
  RgbToSaturation(view, sat.View());
  CHECK(gray.pixels == std::vector<std::uint8_t>{76, 150, 29, 255, 150, 128});
  CHECK(sat.pixels == std::vector<std::uint8_t>{255, 255, 255, 0, 102, 0});
}

TEST_CASE("tiling: Otsu on hand-computed histograms") {
  // {0:3, 1:1, 2:1, 3:3}: sigma_b(k=0) = 3/8*5/8*2.4^2 = 1.35, sigma_b(1) = 1/4*2.5^2 = 1.5625,
  // sigma_b(2) = 1.35 -> best split {0,1}|{2,3} -> t = 2.
  Histogram256 h{};
  h[0] = 3, h[1] = 1, h[2] = 1, h[3] = 3;
  CHECK(OtsuThreshold(h) == 2);
  // Skewed: {0:6, 1:1, 2:1}: sigma(0) = 6/8*2/8*1.5^2 = 0.421875, sigma(1) = 7/8*1/8*(2-1/7)^2
  // = 0.3772 -> t = 1.
  h = {};
  h[0] = 6, h[1] = 1, h[2] = 1;
  CHECK(OtsuThreshold(h) == 1);
  // Bimodal with a gap: every split in the gap is equal; the first (k = 60) wins -> t = 61.
  h = {};
  for (int v = 50; v <= 60; ++v) h[v] = 100 + v;
  for (int v = 200; v <= 210; ++v) h[v] = 300 - v;
  CHECK(OtsuThreshold(h) == 61);
  CHECK(OtsuThreshold(Histogram256{}) == 0);
  h = {};
  h[77] = 5;
  CHECK(OtsuThreshold(h) == 1);  // one value: no variance anywhere, first split
}

TEST_CASE("tiling: histogram and threshold polarity") {
  Image<std::uint8_t> ramp(256, 2, 1);
  for (int i = 0; i < 512; ++i) ramp.pixels[i] = static_cast<std::uint8_t>(i % 256);
  const Histogram256 h = ComputeHistogram(ramp.View());
  for (int v = 0; v < 256; ++v) CHECK(h[v] == 2);
  Image<std::uint8_t> mask(256, 2, 1);
  ThresholdMask(ramp.View(), 100, Polarity::kBelow, mask.View());
  CHECK(mask.pixels[99] == 1);
  CHECK(mask.pixels[100] == 0);
  CHECK(mask.pixels[356] == 0);
  ThresholdMask(ramp.View(), 100, Polarity::kAbove, mask.View());
  CHECK(mask.pixels[100] == 0);
  CHECK(mask.pixels[101] == 1);
  CHECK(mask.pixels[511] == 1);
}

TEST_CASE("tiling: CleanMask fills small enclosed holes and removes small specks") {
  Image<std::uint8_t> mask(20, 12, 1);
  auto set = [&](int x0, int y0, int x1, int y1, std::uint8_t v) {
    for (int y = y0; y < y1; ++y)
      for (int x = x0; x < x1; ++x) mask.View().At(x, y)[0] = v;
  };
  set(0, 0, 14, 12, 255);  // tissue block touching the border
  set(2, 2, 4, 4, 0);      // 4-pixel hole: filled
  set(6, 2, 11, 6, 0);     // 20-pixel hole: kept
  set(0, 8, 3, 12, 0);     // 12-pixel notch on the border: not a hole
  set(10, 8, 11, 9, 0);    // 1-pixel hole: filled
  set(17, 2, 19, 3, 1);    // 2-pixel speck: removed
  set(16, 6, 17, 7, 1);    // two diagonal pixels: two specks under 4-connectivity
  set(17, 7, 18, 8, 1);
  set(15, 9, 20, 12, 1);  // 15-pixel island: kept
  const CleanupStats stats = CleanMask(mask.View(), 10, 5);
  CHECK(stats.holes_filled == 2);
  CHECK(stats.specks_removed == 3);
  CHECK(mask.View().At(2, 2)[0] == 1);
  CHECK(mask.View().At(10, 8)[0] == 1);
  CHECK(mask.View().At(7, 3)[0] == 0);
  CHECK(mask.View().At(0, 9)[0] == 0);
  CHECK(mask.View().At(17, 2)[0] == 0);
  CHECK(mask.View().At(16, 6)[0] == 0);
  CHECK(mask.View().At(17, 7)[0] == 0);
  CHECK(mask.View().At(15, 9)[0] == 1);
  CHECK(mask.View().At(5, 5)[0] == 255);  // untouched tissue keeps its value
}

TEST_CASE("tiling: brightfield mask of a pink blob on white, with a speck and a hole") {
  Image<std::uint8_t> rgb = BlobImage(160, 120, 245, kPink, 6, 1);
  for (int y = 10; y < 13; ++y)  // a 3x3 dark speck in the background
    for (int x = 10; x < 13; ++x) std::fill(rgb.View().At(x, y), rgb.View().At(x, y) + 3, 60);
  for (int y = 58; y < 62; ++y)  // a 4x4 white hole in the blob
    for (int x = 78; x < 82; ++x) std::fill(rgb.View().At(x, y), rgb.View().At(x, y) + 3, 250);
  Image<std::uint8_t> mask(160, 120, 1);

  TissueMaskResult raw = ComputeTissueMask(rgb.View(), {}, mask.View());
  CHECK_FALSE(raw.fluorescence);
  CHECK(raw.polarity == Polarity::kBelow);
  CHECK(raw.threshold > 150);
  CHECK(raw.threshold < 240);
  CHECK(EllipseMismatches(mask) == 9 + 16);

  TissueMaskOptions options;
  options.min_hole_pixels = options.min_speck_pixels = 30;
  TissueMaskResult clean = ComputeTissueMask(rgb.View(), options, mask.View());
  CHECK(clean.cleanup.holes_filled == 1);
  CHECK(clean.cleanup.specks_removed == 1);
  CHECK(EllipseMismatches(mask) == 0);
  CHECK(std::fabs(clean.tissue_fraction - 3.14159 / 16) < 0.005);  // ellipse area / image area

  options.method = MaskMethod::kSaturation;
  TissueMaskResult sat = ComputeTissueMask(rgb.View(), options, mask.View());
  CHECK(sat.method == MaskMethod::kSaturation);
  CHECK(sat.threshold == 20);
  CHECK(EllipseMismatches(mask) == 0);  // the gray speck has no saturation, the hole is filled
}

TEST_CASE("tiling: fluorescence is detected and masked bright-on-dark") {
  Image<std::uint8_t> rgb = BlobImage(160, 120, 8, kBright, 8, 2);
  Image<std::uint8_t> gray(160, 120, 1);
  RgbToGray(rgb.View(), gray.View());
  const BackgroundStats stats = DetectBackground(gray.View());
  CHECK(stats.fluorescence);
  CHECK(stats.border_median_gray < 20);
  CHECK(stats.dark_fraction > 0.75);

  Image<std::uint8_t> mask(160, 120, 1);
  TissueMaskResult result = ComputeTissueMask(rgb.View(), {}, mask.View());
  CHECK(result.fluorescence);
  CHECK(result.polarity == Polarity::kAbove);
  CHECK(EllipseMismatches(mask) == 0);

  // Forcing brightfield reproduces the reference tiler's failure: the black glass is "tissue".
  TissueMaskOptions brightfield;
  brightfield.background = Background::kBrightfield;
  ComputeTissueMask(rgb.View(), brightfield, mask.View());
  CHECK(EllipseMismatches(mask) == 160 * 120);

  Image<std::uint8_t> pink = BlobImage(160, 120, 245, kPink, 6, 3);
  RgbToGray(pink.View(), gray.View());
  CHECK_FALSE(DetectBackground(gray.View()).fluorescence);
  CHECK(DetectBackground(gray.View()).border_median_gray > 200);
}

TEST_CASE("tiling: CUDA requests fail clearly in a build without CUDA") {
  if (ctp::kernels::BuiltWithCuda()) return;
  Image<std::uint8_t> rgb(4, 4, 3), gray(4, 4, 1);
  CHECK_THROWS_AS(RgbToGray(rgb.View(), gray.View(), Device::kCuda), std::runtime_error);
  CHECK_THROWS_AS(ComputeHistogram(gray.View(), Device::kCuda), std::runtime_error);
}

CTP_CUDA_TEST_CASE(
    "tiling: CUDA parity of ARGB conversion, gray, saturation, histogram, threshold") {
  std::mt19937 rng(7);
  const int w = 301, h = 97;  // odd sizes: partial blocks
  std::vector<std::uint32_t> argb(static_cast<std::size_t>(w + 3) * h);
  for (std::uint32_t& p : argb) {
    const unsigned a = rng() % 256;
    p = Argb(a, rng() % (a + 1), rng() % (a + 1), rng() % (a + 1));
  }
  ConstImageU32 argb_view{argb.data(), w, h, 1, w + 3};
  for (int channels : {3, 4}) {
    Image<std::uint8_t> cpu(w, h, channels), gpu(w, h, channels);
    auto convert = channels == 3 ? PremultipliedArgbToRgb : PremultipliedArgbToRgba;
    convert(argb_view, cpu.View(), Device::kCpu);
    convert(argb_view, gpu.View(), Device::kCuda);
    CHECK(cpu.pixels == gpu.pixels);
  }
  Image<std::uint8_t> rgb(w, h, 3);
  PremultipliedArgbToRgb(argb_view, rgb.View());
  for (auto op : {RgbToGray, RgbToSaturation}) {
    Image<std::uint8_t> cpu(w, h, 1), gpu(w, h, 1);
    op(rgb.View(), cpu.View(), Device::kCpu);
    op(rgb.View(), gpu.View(), Device::kCuda);
    CHECK(cpu.pixels == gpu.pixels);
    CHECK(ComputeHistogram(cpu.View(), Device::kCpu) ==
          ComputeHistogram(cpu.View(), Device::kCuda));
    Image<std::uint8_t> mask_cpu(w, h, 1), mask_gpu(w, h, 1);
    ThresholdMask(cpu.View(), 120, Polarity::kAbove, mask_cpu.View(), Device::kCpu);
    ThresholdMask(cpu.View(), 120, Polarity::kAbove, mask_gpu.View(), Device::kCuda);
    CHECK(mask_cpu.pixels == mask_gpu.pixels);
  }
}

CTP_CUDA_TEST_CASE("tiling: CUDA parity of the tissue-mask pipeline") {
  for (bool fluorescence : {false, true}) {
    Image<std::uint8_t> rgb = fluorescence ? BlobImage(500, 400, 8, kBright, 8, 4)
                                           : BlobImage(500, 400, 245, kPink, 6, 5);
    Image<std::uint8_t> cpu(500, 400, 1), gpu(500, 400, 1);
    TissueMaskOptions options;
    options.min_hole_pixels = options.min_speck_pixels = 20;
    const TissueMaskResult a = ComputeTissueMask(rgb.View(), options, cpu.View(), Device::kCpu);
    const TissueMaskResult b = ComputeTissueMask(rgb.View(), options, gpu.View(), Device::kCuda);
    CHECK(a.threshold == b.threshold);
    CHECK(a.fluorescence == b.fluorescence);
    CHECK(cpu.pixels == gpu.pixels);
  }
}
