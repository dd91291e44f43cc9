// Tests of the box-average downsample: exact values on a hand-computed image, strided views,
// argument checks, and CPU/CUDA parity.
#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "ctp/kernels/tiling/downsample.h"
#include "cuda_test_support.h"

namespace {

using ctp::kernels::Device;
using namespace ctp::kernels::tiling;

std::string Error(ConstImageU8 in, int factor, ImageU8 out) {
  try {
    BoxDownsample(in, factor, out);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("tiling: BoxDownsample averages blocks with rounding and ignores the partial edge") {
  // 5x3 gray, factor 2 -> 2x1: blocks {0,1,10,11} and {2,3,12,13}; column 4 and row 2 ignored.
  std::vector<std::uint8_t> gray = {0, 1, 2, 3, 200, 10, 11, 12, 13, 200, 99, 99, 99, 99, 99};
  Image<std::uint8_t> out(2, 1, 1);
  BoxDownsample(ConstImageU8{gray.data(), 5, 3, 1, 5}, 2, out.View());
  CHECK(out.pixels == std::vector<std::uint8_t>{6, 8});  // 22/4 = 5.5 -> 6, 30/4 = 7.5 -> 8

  // RGB in a padded (strided) buffer, factor 3: each channel averaged on its own.
  const int w = 3, h = 3, stride = w * 3 + 5;
  std::vector<std::uint8_t> rgb(static_cast<std::size_t>(stride) * h, 77);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      std::uint8_t* px = &rgb[static_cast<std::size_t>(y) * stride + x * 3];
      px[0] = 255;
      px[1] = static_cast<std::uint8_t>(x + 3 * y);  // 0..8: mean 4
      px[2] = (x + y) % 2 ? 1 : 0;                   // four ones: 4/9 -> 0
    }
  Image<std::uint8_t> one(1, 1, 3);
  BoxDownsample(ConstImageU8{rgb.data(), w, h, 3, stride}, 3, one.View());
  CHECK(one.pixels == std::vector<std::uint8_t>{255, 4, 0});

  // Factor 1 copies.
  Image<std::uint8_t> same(5, 3, 1);
  BoxDownsample(ConstImageU8{gray.data(), 5, 3, 1, 5}, 1, same.View());
  CHECK(same.pixels == gray);
}

TEST_CASE("tiling: BoxDownsample rounds like integer division for small and large factors") {
  // Factors 2..5 are compiled in, others below 64 divide by a reciprocal multiply, larger ones by
  // division: all must give round(sum / f²) with halves up, on random blocks and on all-255
  // blocks (the largest sums).
  std::mt19937 random(7);
  for (int factor : {2, 3, 4, 5, 7, 16, 63, 64, 70}) {
    CAPTURE(factor);
    const int w = 2 * factor + 1, h = 2 * factor;
    Image<std::uint8_t> in(w, h, 3);
    for (std::size_t i = 0; i < in.pixels.size(); ++i)
      in.pixels[i] = i % 3 == 0 ? 255 : static_cast<std::uint8_t>(random() % 256);
    Image<std::uint8_t> out(2, 2, 3), expected(2, 2, 3);
    const unsigned area = static_cast<unsigned>(factor * factor);
    for (int y = 0; y < 2; ++y)
      for (int x = 0; x < 2; ++x)
        for (int c = 0; c < 3; ++c) {
          unsigned sum = 0;
          for (int dy = 0; dy < factor; ++dy)
            for (int dx = 0; dx < factor; ++dx)
              sum += in.View().At(x * factor + dx, y * factor + dy)[c];
          expected.View().At(x, y)[c] = static_cast<std::uint8_t>((sum + area / 2) / area);
        }
    BoxDownsample(in.View(), factor, out.View());
    CHECK(out.pixels == expected.pixels);
  }
}

TEST_CASE("tiling: BoxDownsample names a wrong output size, factor or channel count") {
  std::vector<std::uint8_t> gray(20, 1);
  ConstImageU8 in{gray.data(), 5, 4, 1, 5};
  Image<std::uint8_t> wrong(3, 2, 1), rgb(2, 2, 3), ok(2, 2, 1);
  CHECK(Error(in, 2, wrong.View()) == "BoxDownsample: 5x4 / 2 is not 3x2");
  CHECK(Error(in, 0, ok.View()) == "BoxDownsample: factor must be >= 1");
  CHECK(Error(in, 2, rgb.View()) == "BoxDownsample: out has 3 channels");
}

CTP_CUDA_TEST_CASE("tiling: CUDA parity of BoxDownsample") {
  std::mt19937 rng(11);
  const int w = 1031, h = 517;  // odd sizes: partial blocks and a partial last CUDA block
  for (int channels : {1, 3, 4})
    for (int factor : {1, 2, 3, 7}) {
      std::vector<std::uint8_t> pixels(static_cast<std::size_t>(w) * h * channels);
      for (std::uint8_t& v : pixels) v = static_cast<std::uint8_t>(rng());
      ConstImageU8 in{pixels.data(), w, h, channels, w * channels};
      Image<std::uint8_t> cpu(w / factor, h / factor, channels),
          gpu(w / factor, h / factor, channels);
      BoxDownsample(in, factor, cpu.View(), Device::kCpu);
      BoxDownsample(in, factor, gpu.View(), Device::kCuda);
      INFO("channels " << channels << ", factor " << factor);
      CHECK(cpu.pixels == gpu.pixels);
    }
}
