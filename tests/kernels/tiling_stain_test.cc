// Tests of Reinhard stain normalisation and batch packing, and their CPU/CUDA parity.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <vector>

#include "ctp/kernels/tiling/packing.h"
#include "ctp/kernels/tiling/reinhard.h"
#include "cuda_test_support.h"

namespace {

using ctp::kernels::Device;
using namespace ctp::kernels::tiling;

/// A stain-like image: base colour plus smooth gradients and +-spread noise, `channels` 3 or 4.
Image<std::uint8_t> StainImage(int w, int h, int channels, const int* base, unsigned seed,
                               int spread = 20) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> noise(-spread, spread);
  Image<std::uint8_t> image(w, h, channels, 255);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int c = 0; c < 3; ++c) {
        const int v = base[c] + (c == 0 ? x : y) * 40 / w + noise(rng);
        image.View().At(x, y)[c] = static_cast<std::uint8_t>(std::clamp(v, 0, 255));
      }
  return image;
}

const int kPale[3] = {210, 150, 200};
const int kDark[3] = {140, 70, 150};

}  // namespace

TEST_CASE("tiling: Reinhard output statistics match the targets") {
  const Image<std::uint8_t> src = StainImage(128, 96, 3, kPale, 2, 30);
  const LabStats before = ComputeLabStats(src.View());
  // Targets with a shifted mean and a narrower spread (reachable without clipping at 0 or 255).
  LabStats target = before;
  const float shift[3] = {-0.15f, 0.02f, -0.01f}, scale[3] = {0.6f, 0.5f, 0.7f};
  for (int c = 0; c < 3; ++c) {
    target.mean[c] += shift[c];
    target.stddev[c] *= scale[c];
  }
  Image<std::uint8_t> out(128, 96, 3);
  ReinhardNormalize(src.View(), target, out.View());
  const LabStats after = ComputeLabStats(out.View());
  for (int c = 0; c < 3; ++c) {
    CAPTURE(c);
    CHECK(std::fabs(after.mean[c] - target.mean[c]) <= 0.002f + 0.01f * std::fabs(target.mean[c]));
    CHECK(std::fabs(after.stddev[c] - target.stddev[c]) <= 0.05f * target.stddev[c]);
  }
}

TEST_CASE("tiling: Reinhard towards its own statistics is nearly the identity; alpha is kept") {
  const Image<std::uint8_t> src = StainImage(64, 48, 4, kPale, 3);
  Image<std::uint8_t> out(64, 48, 4);
  const LabStats own = ComputeLabStats(src.View());
  ApplyReinhard(src.View(), own, own, out.View());
  int worst = 0;
  for (std::size_t i = 0; i < src.pixels.size(); ++i)
    worst = std::max(worst, std::abs(src.pixels[i] - out.pixels[i]));
  CHECK(worst <= 1);
  for (std::size_t i = 3; i < out.pixels.size(); i += 4) REQUIRE(out.pixels[i] == 255);
  // A flat (zero-variance) source maps with factor 1 instead of dividing by zero.
  Image<std::uint8_t> flat(8, 8, 3, 128), flat_out(8, 8, 3);
  ReinhardNormalize(flat.View(), own, flat_out.View());
  CHECK(flat_out.pixels[0] == flat_out.pixels[189]);
  Image<std::uint8_t> wrong(64, 48, 3);
  CHECK_THROWS_AS(ApplyReinhard(src.View(), own, own, wrong.View()), std::invalid_argument);
}

TEST_CASE("tiling: packing layouts NHWC uint8 and normalised NCHW float") {
  // Patch n, pixel (x, y), channel c holds 100 n + 10 y + 3 x + c; patch 1 is RGBA and strided.
  const int w = 3, h = 2;
  std::vector<std::uint8_t> p0(w * h * 3), p1(h * 16, 99);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int c = 0; c < 3; ++c) {
        p0[(y * w + x) * 3 + c] = static_cast<std::uint8_t>(10 * y + 3 * x + c);
        p1[y * 16 + x * 4 + c] = static_cast<std::uint8_t>(100 + 10 * y + 3 * x + c);
      }
  const std::vector<ConstImageU8> patches = {PackedView<const std::uint8_t>(p0.data(), w, h, 3),
                                             ConstImageU8{p1.data(), w, h, 4, 16}};
  std::vector<std::uint8_t> nhwc(2 * h * w * 3);
  PackPatchesNhwc(patches, w, h, nhwc);
  std::vector<float> nchw(2 * 3 * h * w);
  const ChannelNormalization norm{{0.5f, 0.25f, 0.f}, {0.5f, 2.f, 1.f}};
  PackPatchesNchwFloat(patches, w, h, norm, nchw);
  for (int n = 0; n < 2; ++n)
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x)
        for (int c = 0; c < 3; ++c) {
          const int v = 100 * n + 10 * y + 3 * x + c;
          REQUIRE(nhwc[((n * h + y) * w + x) * 3 + c] == v);
          const float want = (v / 255.f - norm.mean[c]) / norm.stddev[c];
          REQUIRE(nchw[((n * 3 + c) * h + y) * w + x] == doctest::Approx(want).epsilon(1e-6));
        }
  std::vector<std::uint8_t> short_out(5);
  CHECK_THROWS_AS(PackPatchesNhwc(patches, w, h, short_out), std::invalid_argument);
  CHECK_THROWS_AS(PackPatchesNhwc(patches, w + 1, h, nhwc), std::invalid_argument);
}

CTP_CUDA_TEST_CASE("tiling: CUDA parity of Reinhard statistics and mapping") {
  const Image<std::uint8_t> src = StainImage(257, 131, 4, kPale, 4);
  const LabStats target = ComputeLabStats(StainImage(64, 64, 3, kDark, 5).View());
  const LabStats a = ComputeLabStats(src.View(), Device::kCpu);
  const LabStats b = ComputeLabStats(src.View(), Device::kCuda);
  ctp::kernels::testing::CheckClose(b.mean.data(), a.mean.data(), 3, 1e-5f, 1e-4f, "mean");
  ctp::kernels::testing::CheckClose(b.stddev.data(), a.stddev.data(), 3, 1e-5f, 1e-4f, "stddev");
  Image<std::uint8_t> cpu(257, 131, 4), gpu(257, 131, 4);
  ApplyReinhard(src.View(), a, target, cpu.View(), Device::kCpu);
  ApplyReinhard(src.View(), a, target, gpu.View(), Device::kCuda);
  std::vector<float> want(cpu.pixels.begin(), cpu.pixels.end());
  std::vector<float> got(gpu.pixels.begin(), gpu.pixels.end());
  ctp::kernels::testing::CheckClose(got.data(), want.data(), want.size(), 1.f, 0.f, "rgb");
}

CTP_CUDA_TEST_CASE("tiling: CUDA parity of packing") {
  std::vector<Image<std::uint8_t>> images;
  std::vector<ConstImageU8> patches;
  for (int n = 0; n < 5; ++n) images.push_back(StainImage(33, 17, n % 2 ? 4 : 3, kPale, 10 + n));
  for (const Image<std::uint8_t>& image : images) patches.push_back(image.View());
  std::vector<std::uint8_t> a(5 * 33 * 17 * 3), b(a.size());
  PackPatchesNhwc(patches, 33, 17, a, Device::kCpu);
  PackPatchesNhwc(patches, 33, 17, b, Device::kCuda);
  CHECK(a == b);
  const ChannelNormalization norm{{0.485f, 0.456f, 0.406f}, {0.229f, 0.224f, 0.225f}};
  std::vector<float> f(a.size()), g(a.size());
  PackPatchesNchwFloat(patches, 33, 17, norm, f, Device::kCpu);
  PackPatchesNchwFloat(patches, 33, 17, norm, g, Device::kCuda);
  ctp::kernels::testing::CheckClose(g.data(), f.data(), f.size(), 1e-6f, 1e-6f, "nchw");
}
