// Polygon rasterisation into a uint8 mask (ground-truth masks) and point-in-polygon tests.
// Fill rule: even-odd over all rings, so holes are just further rings (orientation is ignored).
#pragma once

#include <cstdint>
#include <vector>

#include "ctp/kernels/device.h"
#include "ctp/kernels/tiling/image_view.h"

namespace ctp::kernels::tiling {

/// A point in polygon (slide) coordinates.
struct Point2d {
  double x = 0;  ///< Horizontal coordinate.
  double y = 0;  ///< Vertical coordinate.
};

/// Closed rings (the last vertex connects to the first); the first is usually the outline,
/// further rings are holes or other parts. Rings with fewer than 3 vertices are ignored.
struct Polygon {
  std::vector<std::vector<Point2d>> rings;  ///< Vertex lists.
};

/// Maps polygon coordinates to mask pixel coordinates: u = (x - origin_x) * scale_x, same for v.
/// Mask pixel (i, j) covers [i, i+1) x [j, j+1); it is inside when its centre (i+.5, j+.5) is.
struct RasterTransform {
  double origin_x = 0;  ///< Polygon x that maps to mask u = 0 (e.g. the patch's left edge).
  double origin_y = 0;  ///< Polygon y that maps to mask v = 0.
  double scale_x = 1;   ///< Mask pixels per polygon unit along x (e.g. 256 / 1024).
  double scale_y = 1;   ///< Mask pixels per polygon unit along y.
};

/// True when (x, y) is inside under the even-odd rule (crossing test; a point on a left or
/// bottom edge counts as inside, on a right or top edge as outside, consistently for tilings).
bool PointInPolygon(const Polygon& polygon, double x, double y);

/// Sets mask pixels whose centre is inside `polygon` (after `transform`) to `value`; other pixels
/// are left as they are (draw 155 negatives, then 255 positives, over a 0 mask).
void RasterizePolygon(const Polygon& polygon, const RasterTransform& transform, std::uint8_t value,
                      ImageU8 mask, Device device = Device::kCpu);

}  // namespace ctp::kernels::tiling
