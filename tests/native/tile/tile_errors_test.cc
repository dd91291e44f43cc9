// The tile step on bad input: each bad slide or annotation fails alone with a message naming
// it, the others are tiled, nothing partial stays behind; plus GeoJSON parsing and arguments.
#include <doctest/doctest.h>

#include "formats/geojson.h"
#include "tile_test_support.h"

namespace ctp::testing {
namespace {

std::string ParseError(const std::string& text) {
  try {
    native::ParseGeoJsonRegions(text);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("tile: bad slides and annotations fail alone, with their names, and leave nothing") {
  ScratchRoot data("bad-input");
  const std::string pyramid = "tcga-cr-7395-01a-01-ts1.jpeg-pyramid";
  data.AddSlide("slides/" + pyramid + ".svs", "good.svs");
  data.AddSlide("slides/fixtures/unreadable.svs", "unreadable.svs");
  data.AddSlide("slides/fixtures/unopenable.tiff", "unopenable.tiff");
  data.AddSlide("slides/fixtures/small.svs", "small.svs");
  data.AddSlide("slides/CMU-1-Small-Region.svs", "bad-geojson.svs");
  data.AddSlide("slides/CMU-1-Small-Region.svs", "outside.svs");
  std::ofstream(data.root / "slide/train/empty.svs").flush();
  std::ofstream(data.root / "slide/train/notes.svs") << "this is not a slide\n";
  data.AddAnnotation("annotations/bad/malformed.geojson", "positive", "bad-geojson");
  data.AddAnnotation("annotations/bad/outside.geojson", "negative", "outside");
  std::map<std::string, std::string> args = {
      {"patch_size", "512"}, {"format", "jpeg"}, {"keep_unlabelled", "true"}, {"threads", "2"}};
  TileRun run = RunTile(data.root, args);
  CHECK(run.error ==
        "tile: 6 slides failed:\n"
        "  slide/train/bad-geojson.svs: region-annotation/positive/bad-geojson/malformed.geojson: "
        "invalid JSON at byte 131\n"
        "  slide/train/empty.svs: cannot open: empty file\n"
        "  slide/train/notes.svs: cannot open: not a slide format OpenSlide recognises\n"
        "  slide/train/outside.svs: region-annotation/negative/outside/outside.geojson: region 0 "
        "lies outside the slide (bounding box 5000,5000 to 6000,6000; slide is 2220x2967)\n"
        "  slide/train/unopenable.tiff: cannot open: Unsupported TIFF compression: 52479\n"
        "  slide/train/unreadable.svs: level 0, tile (0, 0): corrupt JPEG data: Bogus marker "
        "length");
  CHECK(run.slides == 2);  // good.svs and small.svs (0 patches)
  CHECK(run.summary["slides_failed"] == 6);
  CHECK(run.log.find("error: slide/train/unreadable.svs: ") != std::string::npos);
  // Smaller than a patch is not an error, but it is said, naming the file.
  CHECK(run.summary["warnings"] ==
        nlohmann::json::array({"slide/train/small.svs: smaller than one patch (16x16 pixels at "
                               "level 0, --patch_size 512): no patches"}));
  CHECK(run.log.find("warning: slide/train/small.svs: smaller than one patch") !=
        std::string::npos);
  nlohmann::json checkpoint = ReadJson(data.root / "preprocess-checkpoint.json");
  CHECK(checkpoint["slides"].size() == 2);
  CHECK(checkpoint["slides"].contains("slide/train/good.svs"));
  CHECK(checkpoint["slides"]["slide/train/small.svs"]["patches"] == 0);
  CHECK(!fs::exists(data.root / ".ctp-tile-staging"));
  CHECK(CountFiles(data.root / "slide-patch/train/image") == run.patches);
  CHECK(CountFiles(data.root / "slide-patch/train/shard") == 2);
  CHECK(CountFiles(data.root / "preprocess-metadata") == 4);  // metadata + thumbnail per slide
  CHECK(fs::exists(data.root / "preprocess-metadata/good.thumbnail.png"));

  // fail_on_error=false: the same failures are warnings; the good slides are already done.
  args["fail_on_error"] = "false";
  TileRun again = RunTile(data.root, args);
  CHECK(again.error == "");
  CHECK(again.slides == 0);
  CHECK(again.summary["slides_failed"] == 6);
}

TEST_CASE("tile: GeoJSON shapes and malformed GeoJSON messages") {
  auto regions = native::ParseGeoJsonRegions(
      R"([{"type":"Feature","geometry":{"type":"MultiPolygon","coordinates":[
          [[[0,0],[10,0],[10,10],[0,10],[0,0]],[[2,2],[4,2],[4,4],[2,2]]],
          [[[20,20],[30,20],[30,30]]]]}}, {"type":"Feature","geometry":null}])");
  REQUIRE(regions.size() == 2);
  CHECK(regions[0].polygon.rings.size() == 2);
  CHECK(regions[0].polygon.rings[0].size() == 4);  // the repeated closing position is dropped
  CHECK(regions[1].max_x == 30);
  CHECK(native::ParseGeoJsonRegions(R"({"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1]]]})")
            .size() == 1);
  CHECK(ParseError("{") == "invalid JSON at byte 2");
  CHECK(ParseError(R"({"type":"Polygon","coordinates":[[[1e400,0],[1,0],[1,1]]]})") ==
        "invalid JSON: a number beyond the range of a double");
  CHECK(ParseError(R"({"features":[]})") == "not GeoJSON: expected an object with a \"type\"");
  CHECK(ParseError(R"({"type":"FeatureCollection"})") ==
        "FeatureCollection needs a \"features\" array");
  CHECK(ParseError(R"({"type":"FeatureCollection","features":[{"type":"Feature"}]})") ==
        "feature 0: a Feature needs a \"geometry\"");
  CHECK(ParseError(R"({"type":"Polygon","coordinates":[[[0,0],[1,0]]]})") ==
        "geometry: a ring needs at least 3 positions");
  CHECK(ParseError(R"({"type":"Polygon","coordinates":[[[0,"a"],[1,0],[1,1]]]})") ==
        "geometry: a position must be [x, y] numbers");
  const std::string types =
      " (GeoJSON's are Point, MultiPoint, LineString, MultiLineString, Polygon, MultiPolygon and "
      "GeometryCollection)";
  CHECK(ParseError(R"({"type":"Polgon","coordinates":[[[0,0],[1,0],[1,1]]]})") ==
        "geometry: unknown geometry type 'Polgon'" + types);
  CHECK(ParseError(R"({"type":"FeatureCollecton","features":[]})") ==
        "geometry: unknown geometry type 'FeatureCollecton'" + types);
  CHECK(native::ParseGeoJsonRegions(
            R"({"type":"Feature","geometry":{"type":"LineString","coordinates":[[0,0],[1,1]]}})")
            .empty());
}

TEST_CASE("tile: bad arguments are named") {
  ScratchRoot data("arguments");
  CHECK(RunTile(data.root, {{"sampling", "diagonal"}}).error ==
        "tile: argument --sampling: expected one of grid, random, got 'diagonal'");
  CHECK(RunTile(data.root, {{"patch_size", "big"}}).error ==
        "tile: argument --patch_size: expected an integer, got 'big'");
  // A patch is read whole per worker: 100,000 pixels a side would take minutes and ~10 GB.
  CHECK(RunTile(data.root, {{"patch_size", "100000"}}).error ==
        "tile: --patch_size and --stride must be at most 8192");
  CHECK(RunTile(data.root, {{"stride", "9223372036854775807"}}).error ==
        "tile: --patch_size and --stride must be at most 8192");
  CHECK(RunTile(data.root, {{"images", "yes"}}).error ==
        "tile: argument --images: expected true or false, got 'yes'");
  CHECK(RunTile(data.root, {{"normalize", "reinhard"}, {"reinhard_target", "1,2,3,4,5,x"}}).error ==
        "tile: --reinhard_target: 'x' is not a number");
  CHECK(RunTile(data.root, {{"normalize", "reinhard"}}).error ==
        "tile: --normalize reinhard needs --reinhard_target with 6 numbers");
  CHECK(RunTile(data.root / "nowhere", {}).error ==
        "tile: --data " + (data.root / "nowhere").string() + ": no slide/ folder there");
}

}  // namespace ctp::testing
