// Even-odd polygon rasterisation (scanline CPU reference) and point-in-polygon (polygon.h).
#include "ctp/kernels/tiling/polygon.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "checks.h"
#include "cuda_ops.h"
#include "pixel_ops.h"

namespace ctp::kernels::tiling {
namespace {

/// Calls f(a, b) for each edge of each ring with >= 3 vertices; a = v[i], b = v[i - 1] (PNPOLY).
template <typename F>
void ForEachEdge(const Polygon& polygon, F f) {
  for (const std::vector<Point2d>& ring : polygon.rings) {
    if (ring.size() < 3) continue;
    for (std::size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) f(ring[i], ring[j]);
  }
}

/// The polygon's edges mapped to mask pixel coordinates.
std::vector<detail::Edge> MaskEdges(const Polygon& polygon, const RasterTransform& t) {
  std::vector<detail::Edge> edges;
  ForEachEdge(polygon, [&](Point2d a, Point2d b) {
    edges.push_back({(a.x - t.origin_x) * t.scale_x, (a.y - t.origin_y) * t.scale_y,
                     (b.x - t.origin_x) * t.scale_x, (b.y - t.origin_y) * t.scale_y});
  });
  return edges;
}

/// The smallest i in [0, width] whose pixel centre i + 0.5 is >= x (width when there is none).
int FirstCentreAtOrAfter(double x, int width) {
  if (!(x > 0.5)) return 0;
  if (x > width - 0.5) return width;
  int i = static_cast<int>(std::ceil(x - 0.5));
  while (i > 0 && i - 0.5 >= x) --i;
  while (i < width && i + 0.5 < x) ++i;
  return i;
}

/// Scanline fill: on each row, pixel centres between crossings 2k and 2k+1 are inside.
void RasterizeEdgesCpu(const std::vector<detail::Edge>& edges, std::uint8_t value, ImageU8 mask) {
  std::vector<double> crossings;
  for (int y = 0; y < mask.height; ++y) {
    const double py = y + 0.5;
    crossings.clear();
    for (const detail::Edge& e : edges)
      if ((e.ay > py) != (e.by > py))
        crossings.push_back(detail::EdgeXAt(e.ax, e.ay, e.bx, e.by, py));
    std::sort(crossings.begin(), crossings.end());
    std::uint8_t* row = mask.Row(y);
    for (std::size_t k = 0; k + 1 < crossings.size(); k += 2) {
      const int begin = FirstCentreAtOrAfter(crossings[k], mask.width);
      const int end = FirstCentreAtOrAfter(crossings[k + 1], mask.width);
      std::fill(row + begin, row + std::max(begin, end), value);
    }
  }
}

}  // namespace

bool PointInPolygon(const Polygon& polygon, double x, double y) {
  bool inside = false;
  ForEachEdge(polygon, [&](Point2d a, Point2d b) {
    if (detail::EdgeCrossesRay(a.x, a.y, b.x, b.y, x, y)) inside = !inside;
  });
  return inside;
}

void RasterizePolygon(const Polygon& polygon, const RasterTransform& transform, std::uint8_t value,
                      ImageU8 mask, Device device) {
  detail::CheckView("RasterizePolygon", "mask", mask, {1});
  if (!std::isfinite(transform.origin_x) || !std::isfinite(transform.origin_y) ||
      !std::isfinite(transform.scale_x) || !std::isfinite(transform.scale_y) ||
      transform.scale_x == 0 || transform.scale_y == 0)
    detail::Fail("RasterizePolygon", "transform must be finite with nonzero scales");
  const std::vector<detail::Edge> edges = MaskEdges(polygon, transform);
  detail::CheckDevice("RasterizePolygon", device);
#ifdef CTP_HAVE_CUDA
  if (device == Device::kCuda) return cuda::RasterizeEdges(edges, value, mask);
#endif
  RasterizeEdgesCpu(edges, value, mask);
}

}  // namespace ctp::kernels::tiling
