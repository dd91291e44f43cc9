// The plan of a slide's patches (tile/tile_plan.h): grid arithmetic, levels, which patches are
// kept and why, labels, random sampling and the errors, on the small test slides.
#include "tile/tile_plan.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "patches/patch_shard.h"
#include "tile_test_support.h"

namespace ctp::testing {
namespace {

using native::LabelledRegion;
using native::PlannedPatch;
using native::Region;
using native::SlidePlan;
using native::TileOptions;

const std::string kCmu = "CMU-1-Small-Region";                        // 2220x2967, one level
const std::string kPyramid = "tcga-cr-7395-01a-01-ts1.jpeg-pyramid";  // 4443x3567, six levels

/// Options that keep every candidate: no tissue threshold, unlabelled patches kept.
TileOptions KeepAll(int patch_size, int stride) {
  TileOptions options;
  options.patch_size = patch_size;
  options.stride = stride;
  options.min_tissue = 0;
  options.keep_unlabelled = true;
  return options;
}

/// The reference tiler's rule (tile_test.cc): Otsu on gray, no cleanup, 256 patches, >= 0.5.
TileOptions ReferenceOptions(int mask_min_side) {
  TileOptions options;
  options.patch_size = options.stride = 256;
  options.min_tissue = 0.5;
  options.keep_unlabelled = true;
  options.mask.min_hole_pixels = 0;
  options.mask.min_speck_pixels = 0;
  options.mask_min_side = mask_min_side;
  return options;
}

/// PlanSlide on tests/native/testdata/slides/<file>.
SlidePlan Plan(const std::string& file, const TileOptions& options,
               const std::vector<LabelledRegion>& regions = {}, std::uint64_t seed = 0) {
  native::Slide slide(TileData("slides/" + file));
  native::LowResolutionImage thumbnail;
  native::DecodedLevel patch_level;
  return native::PlanSlide(slide, regions, options, seed, 512, thumbnail, patch_level);
}

/// An axis-aligned rectangle [x0, x1) x [y0, y1) as a labelled region.
LabelledRegion Rectangle(double x0, double y0, double x1, double y1, bool positive) {
  LabelledRegion r;
  r.region.polygon.rings = {{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}}};
  r.region.min_x = x0;
  r.region.min_y = y0;
  r.region.max_x = x1;
  r.region.max_y = y1;
  r.positive = positive;
  r.file = positive ? "positive.geojson" : "negative.geojson";
  return r;
}

/// (level_x, level_y) of every planned patch, in plan order.
std::vector<std::pair<std::int64_t, std::int64_t>> LevelPositions(const SlidePlan& plan) {
  std::vector<std::pair<std::int64_t, std::int64_t>> positions;
  for (const PlannedPatch& p : plan.patches) positions.emplace_back(p.level_x, p.level_y);
  return positions;
}

/// The row-major grid cols x rows with origin 0 and step `stride`.
std::vector<std::pair<std::int64_t, std::int64_t>> Grid(int cols, int rows, int stride) {
  std::vector<std::pair<std::int64_t, std::int64_t>> positions;
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c)
      positions.emplace_back(std::int64_t{c} * stride, std::int64_t{r} * stride);
  return positions;
}

/// The message of the exception `f` throws ("" when it does not throw).
template <typename F>
std::string ErrorOf(F f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("tile_plan: the full grid of a single-level slide, in reading order") {
  const SlidePlan plan = Plan(kCmu + ".svs", KeepAll(256, 256));
  // (2220 - 256) / 256 + 1 = 8 columns, (2967 - 256) / 256 + 1 = 11 rows.
  CHECK(plan.candidates == 88);
  CHECK(LevelPositions(plan) == Grid(8, 11, 256));
  CHECK(plan.downsample == 1.0);
  CHECK(plan.level_width == 2220);
  CHECK(plan.level_height == 2967);
  // Mask image: level 0 averaged by floor(2967 / 1024) = 2.
  CHECK(plan.mask_level == 0);
  CHECK(plan.mask_factor == 2);
  CHECK(plan.mask_width == 1110);
  CHECK(plan.mask_height == 1483);
  for (const PlannedPatch& p : plan.patches) {
    CHECK(p.x == p.level_x);  // level 0: level pixels are level-0 pixels
    CHECK(p.y == p.level_y);
    CHECK(p.label == native::kLabelNone);
    CHECK(p.tissue >= 0.0f);
    CHECK(p.tissue <= 1.0f);
  }
}

TEST_CASE("tile_plan: the stride sets the grid step; patches may overlap or leave gaps") {
  SUBCASE("stride below the patch size: overlapping patches") {
    const SlidePlan plan = Plan(kCmu + ".svs", KeepAll(256, 128));
    // (2220 - 256) / 128 + 1 = 16, (2967 - 256) / 128 + 1 = 22; the last patch ends inside.
    CHECK(plan.candidates == 16 * 22);
    CHECK(LevelPositions(plan) == Grid(16, 22, 128));
    CHECK(plan.patches.back().level_x + 256 <= 2220);
    CHECK(plan.patches.back().level_y + 256 <= 2967);
  }
  SUBCASE("stride above the patch size: gaps between patches") {
    const SlidePlan plan = Plan(kCmu + ".svs", KeepAll(256, 1000));
    CHECK(plan.candidates == 6);
    CHECK(LevelPositions(plan) == Grid(2, 3, 1000));
  }
  SUBCASE("a partial last column or row is never cut") {
    const SlidePlan plan = Plan(kCmu + ".svs", KeepAll(1000, 1000));
    // 2220 holds two whole 1000-pixel columns, 2967 two whole rows.
    CHECK(LevelPositions(plan) == Grid(2, 2, 1000));
  }
}

TEST_CASE("tile_plan: a patch larger than the slide gives no candidates") {
  SUBCASE("16x16 slide, 32-pixel patches") {
    const SlidePlan plan = Plan("fixtures/small.svs", KeepAll(32, 32));
    CHECK(plan.candidates == 0);
    CHECK(plan.patches.empty());
    CHECK(plan.level_width == 16);
    CHECK(plan.level_height == 16);
  }
  SUBCASE("16x16 slide, 16-pixel patch: exactly one") {
    const SlidePlan plan = Plan("fixtures/small.svs", KeepAll(16, 16));
    CHECK(plan.candidates == 1);
    CHECK(LevelPositions(plan) == Grid(1, 1, 16));
  }
  SUBCASE("wider than the slide but not taller") {
    const SlidePlan plan = Plan(kCmu + ".svs", KeepAll(2500, 100));
    CHECK(plan.candidates == 0);
    CHECK(plan.patches.empty());
  }
}

TEST_CASE("tile_plan: the tissue threshold keeps exactly the reference tiler's patches") {
  const nlohmann::json golden = ReadJson(TileData("reference_tiler_golden.json"));
  auto golden_positions = [&](const std::string& slide) {
    std::set<std::pair<std::int64_t, std::int64_t>> positions;
    for (const auto& xy : golden["slides"][slide]["kept"])
      positions.insert({xy[0].get<std::int64_t>(), xy[1].get<std::int64_t>()});
    return positions;
  };
  auto kept = [](const SlidePlan& plan) {
    std::set<std::pair<std::int64_t, std::int64_t>> positions;
    for (const PlannedPatch& p : plan.patches) positions.insert({p.x, p.y});
    return positions;
  };
  SUBCASE("CMU-1, mask on the whole level") {
    const SlidePlan plan = Plan(kCmu + ".svs", ReferenceOptions(2967));
    CHECK(plan.candidates == 88);
    CHECK(plan.mask_factor == 1);
    CHECK(plan.mask_width == 2220);
    CHECK(plan.mask_height == 2967);
    CHECK(plan.mask.threshold == 173);
    CHECK(plan.patches.size() == 26);
    CHECK(kept(plan) == golden_positions(kCmu + ".svs"));
  }
  SUBCASE("JPEG pyramid, mask from level 2") {
    const SlidePlan plan = Plan(kPyramid + ".svs", ReferenceOptions(1024));
    CHECK(plan.candidates == 17 * 13);
    CHECK(plan.mask_level == 2);
    CHECK(plan.mask_width == 1110);
    CHECK(plan.mask_height == 891);
    CHECK(plan.mask.threshold == 187);
    CHECK(plan.patches.size() == 144);
    CHECK(kept(plan) == golden_positions(kPyramid + ".svs"));
  }
  SUBCASE("every kept patch has the tissue fraction it had on the full grid") {
    TileOptions all = ReferenceOptions(2967);
    all.min_tissue = 0;
    const SlidePlan full = Plan(kCmu + ".svs", all);
    const SlidePlan some = Plan(kCmu + ".svs", ReferenceOptions(2967));
    REQUIRE(full.patches.size() == 88);
    std::size_t expected = 0;
    for (const PlannedPatch& p : full.patches) expected += p.tissue >= 0.5f ? 1 : 0;
    CHECK(some.patches.size() == expected);
    for (const PlannedPatch& p : some.patches) {
      const auto same = std::find_if(full.patches.begin(), full.patches.end(), [&](const auto& q) {
        return q.level_x == p.level_x && q.level_y == p.level_y;
      });
      REQUIRE(same != full.patches.end());
      CHECK(same->tissue == p.tissue);
      CHECK(p.tissue >= 0.5f);
    }
  }
}

TEST_CASE("tile_plan: levels above 0 map back to level-0 pixels by the level's downsample") {
  native::Slide slide(TileData("slides/" + kPyramid + ".svs"));
  REQUIRE(slide.LevelCount() == 6);
  for (int level : {1, 3}) {
    CAPTURE(level);
    TileOptions options = KeepAll(128, 128);
    options.level = level;
    const SlidePlan plan = Plan(kPyramid + ".svs", options);
    const native::LevelSize size = slide.Size(level);
    CHECK(plan.level_width == size.width);
    CHECK(plan.level_height == size.height);
    CHECK(plan.downsample == slide.Downsample(level));
    CHECK(plan.downsample > 1.0);
    const int cols = static_cast<int>((size.width - 128) / 128 + 1);
    const int rows = static_cast<int>((size.height - 128) / 128 + 1);
    CHECK(cols != rows);  // a non-square level
    CHECK(plan.candidates == cols * rows);
    CHECK(LevelPositions(plan) == Grid(cols, rows, 128));
    for (const PlannedPatch& p : plan.patches) {
      CHECK(p.x == static_cast<std::int64_t>(static_cast<double>(p.level_x) * plan.downsample));
      CHECK(p.y == static_cast<std::int64_t>(static_cast<double>(p.level_y) * plan.downsample));
    }
  }
  SUBCASE("level 1 has its exact size and grid") {
    TileOptions options = KeepAll(256, 256);
    options.level = 1;
    const SlidePlan plan = Plan(kPyramid + ".svs", options);
    CHECK(plan.level_width == 2221);
    CHECK(plan.level_height == 1783);
    CHECK(plan.candidates == 8 * 6);
    CHECK(LevelPositions(plan) == Grid(8, 6, 256));
  }
}

TEST_CASE("tile_plan: labels come from the regions; positive regions win") {
  // Centres of the 256 grid are at 128 + 256 k.
  const std::vector<LabelledRegion> regions = {
      Rectangle(0, 0, 512, 512, true),        // centres (128|384, 128|384): positive
      Rectangle(256, 256, 1024, 512, false),  // (384, 384) is also here: positive wins
      Rectangle(1024, 0, 1536, 256, false),   // (1152, 128) and (1408, 128): negative
  };
  SUBCASE("unlabelled patches dropped") {
    TileOptions options = KeepAll(256, 256);
    options.keep_unlabelled = false;
    const SlidePlan plan = Plan(kCmu + ".svs", options, regions);
    CHECK(plan.candidates == 88);
    std::vector<std::tuple<std::int64_t, std::int64_t, int>> got;
    for (const PlannedPatch& p : plan.patches) got.emplace_back(p.x, p.y, p.label);
    const std::vector<std::tuple<std::int64_t, std::int64_t, int>> want = {
        {0, 0, native::kLabelPositive},     {256, 0, native::kLabelPositive},
        {1024, 0, native::kLabelNegative},  {1280, 0, native::kLabelNegative},
        {0, 256, native::kLabelPositive},   {256, 256, native::kLabelPositive},
        {512, 256, native::kLabelNegative}, {768, 256, native::kLabelNegative},
    };
    CHECK(got == want);
  }
  SUBCASE("unlabelled patches kept with kLabelNone") {
    const SlidePlan plan = Plan(kCmu + ".svs", KeepAll(256, 256), regions);
    REQUIRE(plan.patches.size() == 88);
    CHECK(plan.patches[0].label == native::kLabelPositive);
    CHECK(plan.patches[4].label == native::kLabelNegative);  // (1024, 0)
    CHECK(plan.patches[2].label == native::kLabelNone);      // (512, 0)
    CHECK(plan.patches[87].label == native::kLabelNone);
  }
  SUBCASE("LabelAt: holes, bounding boxes, order") {
    LabelledRegion ring = Rectangle(0, 0, 100, 100, false);
    ring.region.polygon.rings.push_back({{40, 40}, {60, 40}, {60, 60}, {40, 60}});  // a hole
    CHECK(native::LabelAt({ring}, 10, 10) == native::kLabelNegative);
    CHECK(native::LabelAt({ring}, 50, 50) == native::kLabelNone);
    CHECK(native::LabelAt({ring}, 150, 50) == native::kLabelNone);
    const LabelledRegion positive = Rectangle(0, 0, 20, 20, true);
    CHECK(native::LabelAt({ring, positive}, 10, 10) == native::kLabelPositive);
    CHECK(native::LabelAt({positive, ring}, 10, 10) == native::kLabelPositive);
    CHECK(native::LabelAt({}, 10, 10) == native::kLabelNone);
  }
}

TEST_CASE("tile_plan: random sampling is reproducible, sorted and inside the slide") {
  const std::vector<LabelledRegion> regions = {Rectangle(300, 300, 1500, 2500, true),
                                               Rectangle(1600, 100, 2200, 900, false)};
  TileOptions options = KeepAll(256, 256);
  options.sampling = native::Sampling::kRandom;
  options.samples_per_region = 5;
  options.keep_unlabelled = false;
  const SlidePlan plan = Plan(kCmu + ".svs", options, regions, 42);
  CHECK(plan.candidates >= 10);  // at least one try per wanted patch
  CHECK(plan.candidates <= 2 * 20 * 5);
  CHECK(plan.patches.size() <= 10);
  CHECK(plan.patches.size() >= 6);  // most centres fall well inside these rectangles
  for (std::size_t i = 0; i < plan.patches.size(); ++i) {
    const PlannedPatch& p = plan.patches[i];
    CHECK(p.level_x >= 0);
    CHECK(p.level_y >= 0);
    CHECK(p.level_x + 256 <= 2220);
    CHECK(p.level_y + 256 <= 2967);
    CHECK(p.label == native::LabelAt(regions, p.x + 128.0, p.y + 128.0));
    CHECK(p.label != native::kLabelNone);
    if (i > 0) {
      const PlannedPatch& q = plan.patches[i - 1];
      CHECK(std::make_pair(q.level_y, q.level_x) < std::make_pair(p.level_y, p.level_x));
    }
  }
  const SlidePlan again = Plan(kCmu + ".svs", options, regions, 42);
  CHECK(LevelPositions(again) == LevelPositions(plan));
  CHECK(again.candidates == plan.candidates);
  const SlidePlan other = Plan(kCmu + ".svs", options, regions, 43);
  CHECK(LevelPositions(other) != LevelPositions(plan));
  SUBCASE("no regions: nothing to sample") {
    const SlidePlan none = Plan(kCmu + ".svs", options, {}, 42);
    CHECK(none.candidates == 0);
    CHECK(none.patches.empty());
  }
}

TEST_CASE("tile_plan: errors") {
  CHECK(ErrorOf([] {
          TileOptions options = KeepAll(256, 256);
          options.level = 6;
          Plan(kPyramid + ".svs", options);
        }) == "has no level 6 (levels 0..5)");
  CHECK(ErrorOf([] {
          TileOptions options = KeepAll(256, 256);
          options.level = -1;
          Plan(kCmu + ".svs", options);
        }) == "has no level -1 (levels 0..0)");
  LabelledRegion outside = Rectangle(5000, 5000, 6000, 6000, true);
  outside.file = "region-annotation/positive/x/outside.geojson";
  outside.index = 3;
  CHECK(ErrorOf([&] { Plan(kCmu + ".svs", KeepAll(256, 256), {outside}); }) ==
        "region-annotation/positive/x/outside.geojson: region 3 lies outside the slide (bounding "
        "box 5000,5000 to 6000,6000; slide is 2220x2967)");
}

TEST_CASE("tile_plan: LoadRegions reads positive then negative files, sorted, parts numbered") {
  ScratchRoot data("plan-regions");
  const std::string annotations = "annotations/";
  data.AddAnnotation(annotations + "positive/" + kCmu + "/triangle.geojson", "positive", kCmu);
  data.AddAnnotation(annotations + "positive/" + kCmu + "/rectangle.geojson", "positive", kCmu);
  data.AddAnnotation(annotations + "negative/" + kCmu + "/square-with-hole.geojson", "negative",
                     kCmu);
  const std::vector<LabelledRegion> regions = native::LoadRegions(data.root, kCmu);
  REQUIRE(regions.size() == 4);
  const std::string positive = "region-annotation/positive/" + kCmu + "/";
  const std::string negative = "region-annotation/negative/" + kCmu + "/";
  CHECK(regions[0].file == positive + "rectangle.geojson");
  CHECK(regions[1].file == positive + "triangle.geojson");  // the Point is skipped
  CHECK(regions[2].file == negative + "square-with-hole.geojson");
  CHECK(regions[3].file == negative + "square-with-hole.geojson");
  CHECK(regions[0].positive);
  CHECK(regions[1].positive);
  CHECK_FALSE(regions[2].positive);
  CHECK(regions[2].index == 0);
  CHECK(regions[3].index == 1);
  CHECK(regions[0].region.min_x == 512);
  CHECK(regions[0].region.max_y == 1536);
  CHECK(native::LoadRegions(data.root, "no-such-slide").empty());
  data.AddAnnotation("annotations/bad/malformed.geojson", "negative", "bad");
  const std::string error = ErrorOf([&] { native::LoadRegions(data.root, "bad"); });
  CHECK(error.rfind("region-annotation/negative/bad/malformed.geojson: ", 0) == 0);
}

}  // namespace ctp::testing
