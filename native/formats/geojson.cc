// GeoJSON polygons with nlohmann::json: strict about structure, lenient about extra members.
#include "formats/geojson.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace ctp::native {
namespace {

using kernels::tiling::Point2d;
using nlohmann::json;

std::vector<Point2d> ParseRing(const json& ring, const std::string& where) {
  if (!ring.is_array()) throw std::runtime_error(where + ": a ring must be an array of positions");
  std::vector<Point2d> points;
  for (const json& position : ring) {
    if (!position.is_array() || position.size() < 2 || !position[0].is_number() ||
        !position[1].is_number())
      throw std::runtime_error(where + ": a position must be [x, y] numbers");
    points.push_back({position[0].get<double>(), position[1].get<double>()});
  }
  if (points.size() > 1 && points.front().x == points.back().x &&
      points.front().y == points.back().y)
    points.pop_back();  // GeoJSON repeats the first position; the kernels close rings themselves
  if (points.size() < 3) throw std::runtime_error(where + ": a ring needs at least 3 positions");
  return points;
}

Region ParsePolygon(const json& rings, const std::string& where) {
  if (!rings.is_array() || rings.empty())
    throw std::runtime_error(where + ": Polygon coordinates must be a non-empty array of rings");
  Region region;
  region.min_x = region.min_y = std::numeric_limits<double>::infinity();
  region.max_x = region.max_y = -std::numeric_limits<double>::infinity();
  for (const json& ring : rings) {
    region.polygon.rings.push_back(ParseRing(ring, where));
    for (const Point2d& p : region.polygon.rings.back()) {
      region.min_x = std::min(region.min_x, p.x);
      region.min_y = std::min(region.min_y, p.y);
      region.max_x = std::max(region.max_x, p.x);
      region.max_y = std::max(region.max_y, p.y);
    }
  }
  return region;
}

void ParseGeometry(const json& geometry, const std::string& where, std::vector<Region>& out) {
  if (!geometry.is_object() || !geometry.contains("type") || !geometry["type"].is_string())
    throw std::runtime_error(where + ": geometry must be an object with a \"type\"");
  const std::string type = geometry["type"].get<std::string>();
  if (type == "GeometryCollection") {
    if (!geometry.contains("geometries") || !geometry["geometries"].is_array())
      throw std::runtime_error(where + ": GeometryCollection needs \"geometries\"");
    for (const json& part : geometry["geometries"]) ParseGeometry(part, where, out);
    return;
  }
  // Points and lines are valid GeoJSON but not regions; any other type is a mistake (RFC 7946 3.1).
  if (type == "Point" || type == "MultiPoint" || type == "LineString" || type == "MultiLineString")
    return;
  if (type != "Polygon" && type != "MultiPolygon")
    throw std::runtime_error(where + ": unknown geometry type '" + type +
                             "' (GeoJSON's are Point, MultiPoint, LineString, MultiLineString, "
                             "Polygon, MultiPolygon and GeometryCollection)");
  if (!geometry.contains("coordinates"))
    throw std::runtime_error(where + ": " + type + " has no \"coordinates\"");
  const json& coordinates = geometry["coordinates"];
  if (type == "Polygon") {
    out.push_back(ParsePolygon(coordinates, where));
    return;
  }
  if (!coordinates.is_array())
    throw std::runtime_error(where + ": MultiPolygon coordinates must be an array of polygons");
  for (const json& polygon : coordinates) out.push_back(ParsePolygon(polygon, where));
}

void ParseFeature(const json& feature, const std::string& where, std::vector<Region>& out) {
  if (!feature.is_object() || !feature.contains("geometry"))
    throw std::runtime_error(where + ": a Feature needs a \"geometry\"");
  if (feature["geometry"].is_null()) return;  // allowed by RFC 7946: an unlocated feature
  ParseGeometry(feature["geometry"], where, out);
}

}  // namespace

std::vector<Region> ParseGeoJsonRegions(const std::string& text) {
  json root;
  try {
    root = json::parse(text);
  } catch (const json::parse_error& e) {
    throw std::runtime_error(fmt::format("invalid JSON at byte {}", e.byte));
  } catch (const json::out_of_range&) {  // the parser's only other error (406)
    throw std::runtime_error("invalid JSON: a number beyond the range of a double");
  }
  std::vector<Region> regions;
  if (root.is_array()) {  // older QuPath versions export a bare array of features
    for (std::size_t i = 0; i < root.size(); ++i)
      ParseFeature(root[i], fmt::format("feature {}", i), regions);
    return regions;
  }
  if (!root.is_object() || !root.contains("type") || !root["type"].is_string())
    throw std::runtime_error("not GeoJSON: expected an object with a \"type\"");
  const std::string type = root["type"].get<std::string>();
  if (type == "FeatureCollection") {
    if (!root.contains("features") || !root["features"].is_array())
      throw std::runtime_error("FeatureCollection needs a \"features\" array");
    for (std::size_t i = 0; i < root["features"].size(); ++i)
      ParseFeature(root["features"][i], fmt::format("feature {}", i), regions);
  } else if (type == "Feature") {
    ParseFeature(root, "feature 0", regions);
  } else {
    ParseGeometry(root, "geometry", regions);
  }
  return regions;
}

}  // namespace ctp::native
