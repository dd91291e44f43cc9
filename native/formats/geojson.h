// Annotated regions from GeoJSON (the format QuPath exports): polygons in level-0 pixels.
#pragma once

#include <string>
#include <vector>

#include "ctp/kernels/tiling/polygon.h"

namespace ctp::native {

/// One annotated region: a polygon (outline plus holes) and its bounding box.
struct Region {
  kernels::tiling::Polygon polygon;  ///< Rings in level-0 pixels (even-odd rule).
  double min_x = 0;                  ///< Bounding box, left.
  double min_y = 0;                  ///< Bounding box, top.
  double max_x = 0;                  ///< Bounding box, right.
  double max_y = 0;                  ///< Bounding box, bottom.
};

/// Parses GeoJSON text: a FeatureCollection, a single Feature, a bare geometry or an array of
/// Features (older QuPath exports). Polygon gives
/// one region, MultiPolygon one per part, GeometryCollection recurses; other geometry types
/// (Point, LineString) are skipped. Throws std::runtime_error("invalid JSON ..." / "feature 3:
/// ...") without the file name on malformed input.
std::vector<Region> ParseGeoJsonRegions(const std::string& text);

}  // namespace ctp::native
