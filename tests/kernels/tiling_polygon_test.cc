// Tests of polygon rasterisation against brute-force point-in-polygon at pixel centres
// (concave outlines, holes, self-intersections, transforms), and CPU/CUDA parity.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>
#include <stdexcept>
#include <vector>

#include "ctp/kernels/tiling/polygon.h"
#include "cuda_test_support.h"

namespace {

using ctp::kernels::Device;
using namespace ctp::kernels::tiling;

/// A closed star-like (concave) ring of n vertices with random radii around (cx, cy).
std::vector<Point2d> Star(int n, double cx, double cy, double r_min, double r_max, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> radius(r_min, r_max);
  std::vector<Point2d> ring(n);
  for (int i = 0; i < n; ++i) {
    const double angle = 2 * std::numbers::pi * i / n, r = radius(rng);
    ring[i] = {cx + r * std::cos(angle), cy + r * std::sin(angle)};
  }
  return ring;
}

/// An axis-aligned rectangle ring.
std::vector<Point2d> Rect(double x0, double y0, double x1, double y1) {
  return {{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}};
}

/// Brute force: PNPOLY (even-odd crossings) at each pixel centre, in mask coordinates.
Image<std::uint8_t> BruteRaster(const Polygon& polygon, const RasterTransform& t, int w, int h,
                                std::uint8_t value) {
  Image<std::uint8_t> mask(w, h, 1);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const double px = x + 0.5, py = y + 0.5;
      bool inside = false;
      for (const std::vector<Point2d>& ring : polygon.rings) {
        if (ring.size() < 3) continue;
        for (std::size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
          const double xi = (ring[i].x - t.origin_x) * t.scale_x;
          const double yi = (ring[i].y - t.origin_y) * t.scale_y;
          const double xj = (ring[j].x - t.origin_x) * t.scale_x;
          const double yj = (ring[j].y - t.origin_y) * t.scale_y;
          if ((yi > py) != (yj > py) && px < (xj - xi) * (py - yi) / (yj - yi) + xi)
            inside = !inside;
        }
      }
      if (inside) mask.pixels[y * w + x] = value;
    }
  return mask;
}

/// Number of differing pixels.
int Mismatches(const Image<std::uint8_t>& a, const Image<std::uint8_t>& b) {
  int bad = 0;
  for (std::size_t i = 0; i < a.pixels.size(); ++i) bad += a.pixels[i] != b.pixels[i];
  return bad;
}

/// Test polygons with their transforms into a 96 x 80 mask.
struct Case {
  const char* name;
  Polygon polygon;
  RasterTransform transform;
};

std::vector<Case> Cases() {
  const RasterTransform identity;
  const RasterTransform slide{1000, 2000, 0.25, 0.25};  // a 384 x 320 slide region at 1/4
  return {
      {"concave star", {{Star(40, 48, 40, 10, 38, 1)}}, identity},
      {"square with a hole", {{Rect(10, 10, 50, 50), Rect(20, 20, 30, 30)}}, identity},
      {"C shape",
       {{{{10, 10}, {70, 10}, {70, 25}, {30, 25}, {30, 55}, {70, 55}, {70, 70}, {10, 70}}}},
       identity},
      {"bowtie (self-intersecting)", {{{{5, 5}, {60, 60}, {60, 5}, {5, 60}}}}, identity},
      {"vertices on pixel centres",
       {{{{2.5, 2.5}, {40.5, 2.5}, {40.5, 30.5}, {20.5, 10.5}, {2.5, 30.5}}}},
       identity},
      {"partly outside, negative", {{Star(12, 0, 70, 20, 45, 2)}}, identity},
      {"star with two holes, slide coords",
       {{Star(200, 1192, 2160, 60, 150, 3), Star(30, 1150, 2150, 5, 25, 4),
         Rect(1220, 2120, 1260, 2200)}},
       slide},
      {"degenerate rings ignored", {{{{1, 1}, {50, 50}}, Rect(5, 5, 15, 15)}}, identity},
  };
}

}  // namespace

TEST_CASE("tiling: polygon rasterisation equals brute-force point-in-polygon") {
  for (const Case& c : Cases()) {
    CAPTURE(c.name);
    Image<std::uint8_t> mask(96, 80, 1);
    RasterizePolygon(c.polygon, c.transform, 255, mask.View());
    const Image<std::uint8_t> want = BruteRaster(c.polygon, c.transform, 96, 80, 255);
    CHECK(Mismatches(mask, want) == 0);
    int on = 0;
    for (std::uint8_t v : mask.pixels) on += v != 0;
    CHECK(on > 0);
  }
}

TEST_CASE("tiling: polygon areas and the pixel-centre rule") {
  Image<std::uint8_t> mask(96, 80, 1);
  RasterizePolygon({{Rect(10, 10, 50, 50), Rect(20, 20, 30, 30)}}, {}, 255, mask.View());
  int on = 0;
  for (std::uint8_t v : mask.pixels) on += v == 255;
  CHECK(on == 40 * 40 - 10 * 10);
  CHECK(mask.View().At(10, 10)[0] == 255);
  CHECK(mask.View().At(49, 49)[0] == 255);
  CHECK(mask.View().At(50, 49)[0] == 0);
  CHECK(mask.View().At(25, 25)[0] == 0);
  // A ring whose edges pass exactly through centres: min-x/min-y edges in, max edges out.
  Image<std::uint8_t> small(8, 8, 1);
  RasterizePolygon({{Rect(1.5, 1.5, 4.5, 3.5)}}, {}, 1, small.View());
  int count = 0;
  for (std::uint8_t v : small.pixels) count += v;
  CHECK(count == 3 * 2);
  CHECK(small.View().At(1, 1)[0] == 1);
  CHECK(small.View().At(4, 1)[0] == 0);
}

TEST_CASE("tiling: ground-truth masks: negatives 155, positives 255, outside untouched") {
  Image<std::uint8_t> mask(64, 64, 1);
  const RasterTransform t{512, 512, 0.0625, 0.0625};  // a 1024 px patch at 64 px
  RasterizePolygon({{Rect(512, 512, 1024, 1536)}}, t, 155, mask.View());
  RasterizePolygon({{Rect(768, 768, 1280, 1280)}}, t, 255, mask.View());
  CHECK(mask.View().At(2, 40)[0] == 155);
  CHECK(mask.View().At(24, 24)[0] == 255);
  CHECK(mask.View().At(40, 24)[0] == 255);
  CHECK(mask.View().At(50, 50)[0] == 0);
  CHECK_THROWS_AS(RasterizePolygon({}, {0, 0, 0, 1}, 1, mask.View()), std::invalid_argument);
}

TEST_CASE("tiling: point in polygon agrees with the raster at pixel centres") {
  for (const Case& c : Cases()) {
    if (c.transform.scale_x != 1) continue;  // identity: centres are exact in both
    CAPTURE(c.name);
    Image<std::uint8_t> mask(96, 80, 1);
    RasterizePolygon(c.polygon, c.transform, 1, mask.View());
    int bad = 0;
    for (int y = 0; y < 80; ++y)
      for (int x = 0; x < 96; ++x)
        bad += PointInPolygon(c.polygon, x + 0.5, y + 0.5) != (mask.View().At(x, y)[0] == 1);
    CHECK(bad == 0);
  }
  const Polygon square{{Rect(0, 0, 10, 10)}};
  CHECK(PointInPolygon(square, 5, 5));
  CHECK(PointInPolygon(square, 0, 5));  // min-x edge: inside
  CHECK_FALSE(PointInPolygon(square, 10, 5));
  CHECK_FALSE(PointInPolygon(square, 5, 10));
  CHECK_FALSE(PointInPolygon(square, -1, 5));
}

CTP_CUDA_TEST_CASE("tiling: CUDA parity of polygon rasterisation") {
  for (const Case& c : Cases()) {
    CAPTURE(c.name);
    Image<std::uint8_t> cpu(96, 80, 1, 7), gpu(96, 80, 1, 7);
    RasterizePolygon(c.polygon, c.transform, 200, cpu.View(), Device::kCpu);
    RasterizePolygon(c.polygon, c.transform, 200, gpu.View(), Device::kCuda);
    CHECK(Mismatches(cpu, gpu) == 0);
  }
  const Polygon big{{Star(1000, 128, 128, 20, 127, 9), Star(300, 128, 128, 2, 15, 10)}};
  Image<std::uint8_t> cpu(256, 256, 1), gpu(256, 256, 1);
  RasterizePolygon(big, {}, 255, cpu.View(), Device::kCpu);
  RasterizePolygon(big, {}, 255, gpu.View(), Device::kCuda);
  CHECK(Mismatches(cpu, gpu) == 0);
}
