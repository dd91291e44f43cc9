// A GeoJSON annotation file (native/formats/geojson), as the tile step reads it: the regions it
// parses, then what the step does with each: the label at the region's centre (LabelAt, which
// tests points in the polygon) and the ground-truth mask of a patch at the region's corner
// (RasterizePolygon).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "ctp/kernels/tiling/polygon.h"
#include "formats/geojson.h"
#include "fuzz_support.h"
#include "tile/tile_plan.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ctp::native;
  namespace tiling = ctp::kernels::tiling;
  ctp::fuzz::RefusalsAllowed([&] {
    std::vector<LabelledRegion> regions;
    for (Region& region : ParseGeoJsonRegions(std::string(ctp::fuzz::Text(data, size))))
      regions.push_back({std::move(region), regions.size() % 2 == 0, "fuzz.geojson",
                         static_cast<int>(regions.size())});
    std::vector<std::uint8_t> pixels(32 * 32);
    for (const LabelledRegion& r : regions) {
      LabelAt(regions, (r.region.min_x + r.region.max_x) / 2,
              (r.region.min_y + r.region.max_y) / 2);
      const tiling::RasterTransform transform{r.region.min_x, r.region.min_y, 0.25, 0.25};
      tiling::RasterizePolygon(r.region.polygon, transform, 255,
                               tiling::PackedView(pixels.data(), 32, 32, 1));
    }
  });
  return 0;
}
