// The tile step on real slides: kept patches against the reference tiler, labels and ground
// truth against hand-checked polygons, the shard, incremental reruns, fluorescence.
#include <doctest/doctest.h>

#include <algorithm>

#include "formats/image_io.h"
#include "patches/patch_shard.h"
#include "tile_test_support.h"

namespace ctp::testing {
namespace {

const std::string kCmu = "CMU-1-Small-Region";
const std::string kPyramid = "tcga-cr-7395-01a-01-ts1.jpeg-pyramid";

std::set<std::pair<long long, long long>> GoldenPositions(const std::string& slide) {
  std::set<std::pair<long long, long long>> positions;
  const nlohmann::json golden = ReadJson(TileData("reference_tiler_golden.json"));
  for (const auto& xy : golden["slides"][slide]["kept"])
    positions.insert({xy[0].get<long long>(), xy[1].get<long long>()});
  return positions;
}

// The reference tiler's rule: Otsu on gray, no cleanup, full 256 patches, fraction >= 0.5.
std::map<std::string, std::string> ReferenceArgs(const std::string& mask_min_side) {
  return {{"patch_size", "256"},
          {"min_tissue", "0.5"},
          {"keep_unlabelled", "true"},
          {"min_hole_pixels", "0"},
          {"min_speck_pixels", "0"},
          {"format", "jpeg"},
          {"mask_min_side", mask_min_side},
          {"threads", "2"}};
}

std::string ReadBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

const nlohmann::json* FindPatch(const nlohmann::json& metadata, long long x, long long y) {
  for (const auto& p : metadata["patches"])
    if (p["x"] == x && p["y"] == y) return &p;
  return nullptr;
}

}  // namespace

TEST_CASE("tile: JPEG pyramid keeps exactly the reference tiler's patches") {
  ScratchRoot data("golden-pyramid");
  data.AddSlide("slides/" + kPyramid + ".svs", kPyramid + ".svs");
  TileRun run = RunTile(data.root, ReferenceArgs("1024"));
  REQUIRE(run.error == "");
  nlohmann::json metadata = ReadJson(data.root / "preprocess-metadata" / (kPyramid + ".json"));
  CHECK(metadata["candidates"] == 221);
  CHECK(metadata["mask"]["threshold"] == 187);
  CHECK(metadata["mask"]["background"] == "brightfield");
  CHECK(PatchPositions(metadata) == GoldenPositions(kPyramid + ".svs"));
  CHECK(run.patches == 144);
  // The thumbnail for reports: the whole slide, longer side >= 512, its scale recorded.
  CHECK(metadata["thumbnail"]["file"] == kPyramid + ".thumbnail.png");
  const auto thumbnail = native::DecodePng(
      ReadBytes(data.root / "preprocess-metadata" / (kPyramid + ".thumbnail.png")));
  CHECK(std::max(thumbnail.width, thumbnail.height) >= 512);
  CHECK(metadata["thumbnail"]["downsample"].get<double>() * thumbnail.width ==
        doctest::Approx(metadata["level_size"][0].get<double>()).epsilon(0.05));
  CHECK(CountFiles(data.root / "slide-patch/train/image") == 144);
  CHECK(CountFiles(data.root / "slide-patch/train/ground-truth") == 144);
}

TEST_CASE("tile: CMU-1 (single level) keeps exactly the reference tiler's patches") {
  ScratchRoot data("golden-cmu");
  data.AddSlide("slides/" + kCmu + ".svs", kCmu + ".svs");
  TileRun run = RunTile(data.root, ReferenceArgs("2967"));
  REQUIRE(run.error == "");
  nlohmann::json metadata = ReadJson(data.root / "preprocess-metadata" / (kCmu + ".json"));
  CHECK(metadata["candidates"] == 88);
  CHECK(metadata["mask"]["threshold"] == 173);
  CHECK(PatchPositions(metadata) == GoldenPositions(kCmu + ".svs"));
}

TEST_CASE("tile: labels and ground truth follow the hand-drawn polygons") {
  ScratchRoot data("labels");
  data.AddSlide("slides/" + kCmu + ".svs", kCmu + ".svs");
  data.AddAnnotation("annotations/positive/" + kCmu + "/rectangle.geojson", "positive", kCmu);
  data.AddAnnotation("annotations/positive/" + kCmu + "/triangle.geojson", "positive", kCmu);
  data.AddAnnotation("annotations/negative/" + kCmu + "/square-with-hole.geojson", "negative",
                     kCmu);
  TileRun run = RunTile(data.root, {{"min_tissue", "0"}, {"format", "jpeg"}, {"threads", "2"}});
  REQUIRE(run.error == "");
  nlohmann::json metadata = ReadJson(data.root / "preprocess-metadata" / (kCmu + ".json"));
  // Unlabelled patches are dropped by default: 2x4 rectangle + triangle corner + 8 negative
  // square cells (the hole's centre cell is unlabelled) + the small negative square.
  std::map<std::string, int> labels;
  for (const auto& p : metadata["patches"]) ++labels[p["label"].get<std::string>()];
  CHECK(labels["positive"] == 9);
  CHECK(labels["negative"] == 9);
  CHECK(labels.count("none") == 0);
  CHECK(FindPatch(metadata, 1536, 1536) == nullptr);  // in the hole
  CHECK((*FindPatch(metadata, 768, 1280))["label"] == "positive");
  CHECK((*FindPatch(metadata, 1792, 1792))["label"] == "negative");
  CHECK((*FindPatch(metadata, 256, 2048))["label"] == "negative");

  auto ground_truth = [&](long long x, long long y) {
    return native::DecodePng(
        ReadBytes(data.root / "slide-patch/train/ground-truth" /
                  (kCmu + "_" + std::to_string(x) + "_" + std::to_string(y) + ".png")));
  };
  auto count = [](const auto& image, int value) {
    return std::count(image.pixels.begin(), image.pixels.end(), value);
  };
  auto inside = ground_truth(512, 512);
  CHECK(count(inside, 255) == 256 * 256);
  auto negative = ground_truth(1280, 1280);
  CHECK(count(negative, 155) == 256 * 256);
  // Triangle x + y < 384 over the patch at (0, 2560): 65536 - 8256 pixel centres inside, up to 128
  // more on the hypotenuse itself.
  auto triangle = ground_truth(0, 2560);
  CHECK(count(triangle, 255) >= 57280);
  CHECK(count(triangle, 255) <= 57408);
  CHECK(count(triangle, 0) + count(triangle, 255) == 256 * 256);
  // The patch at (1280, 1536) lies in the negative square, just left of its hole.
  auto edge = ground_truth(1280, 1536);
  CHECK(count(edge, 155) == 256 * 256);

  native::PatchShard shard =
      native::ReadPatchShard(data.root / "slide-patch/train/shard" / (kCmu + ".ctpshard"));
  CHECK(shard.header.count == metadata["patches"].size());
  CHECK(shard.header.width == 256);
  for (std::size_t i = 0; i < shard.header.count; ++i) {
    const auto& p = metadata["patches"][i];
    CHECK(shard.coords[i][0] == p["x"]);
    CHECK(shard.labels[i] ==
          (p["label"] == "positive" ? native::kLabelPositive : native::kLabelNegative));
  }
}

TEST_CASE("tile: the shard holds the same pixels as the PNG patches") {
  ScratchRoot data("shard");
  data.AddSlide("slides/" + kPyramid + ".svs", kPyramid + ".svs");
  TileRun run = RunTile(
      data.root,
      {{"level", "2"}, {"patch_size", "128"}, {"keep_unlabelled", "true"}, {"threads", "2"}});
  REQUIRE(run.error == "");
  REQUIRE(run.patches > 10);
  nlohmann::json metadata = ReadJson(data.root / "preprocess-metadata" / (kPyramid + ".json"));
  native::PatchShard shard =
      native::ReadPatchShard(data.root / "slide-patch/train/shard" / (kPyramid + ".ctpshard"));
  REQUIRE(shard.header.count == run.patches);
  CHECK(shard.header.level == 2);
  for (std::size_t i : {std::size_t{0}, run.patches / 2, run.patches - 1}) {
    auto image =
        native::DecodePng(ReadBytes(data.root / "slide-patch/train/image" /
                                    (metadata["patches"][i]["name"].get<std::string>() + ".png")));
    REQUIRE(image.pixels.size() == shard.header.PatchBytes());
    CHECK(std::equal(image.pixels.begin(), image.pixels.end(),
                     shard.pixels.begin() + static_cast<long>(i * shard.header.PatchBytes())));
    CHECK(shard.labels[i] == native::kLabelNone);
  }
}

TEST_CASE("tile: a rerun does nothing; a new slide is picked up; fluorescence is inverted") {
  ScratchRoot data("incremental");
  data.AddSlide("slides/" + kPyramid + ".svs", kPyramid + ".svs");
  std::map<std::string, std::string> args = {{"level", "2"},
                                             {"patch_size", "128"},
                                             {"keep_unlabelled", "true"},
                                             {"min_tissue", "0.2"},
                                             {"format", "jpeg"}};
  TileRun first = RunTile(data.root, args);
  REQUIRE(first.error == "");
  CHECK(first.slides == 1);
  // Progress: slides done of total, with the patch count so far and what is being worked on.
  REQUIRE(first.progress.size() >= 2);
  CHECK(first.progress.front().done == 0);
  CHECK(first.progress.front().total == 1);
  CHECK(first.progress.front().unit == "slides");
  CHECK(first.progress.front().text == "0 patches; slide/train/" + kPyramid + ".svs");
  CHECK(first.progress.back().done == 1);
  CHECK(first.progress.back().text == std::to_string(first.patches) + " patches; done");
  fs::path metadata = data.root / "preprocess-metadata" / (kPyramid + ".json");
  auto stamp = fs::last_write_time(metadata);
  TileRun again = RunTile(data.root, args);
  CHECK(again.error == "");
  CHECK(again.slides == 0);
  CHECK(again.patches == 0);
  CHECK(again.summary["slides_skipped"] == 1);
  CHECK(fs::last_write_time(metadata) == stamp);
  REQUIRE(again.progress.size() == 1);
  CHECK(again.progress[0].text == "0 patches; done");

  data.AddSlide("slides/test3-DAPI-2-(387).ndpi", "dapi.ndpi", "test");
  TileRun added = RunTile(data.root, args);
  REQUIRE(added.error == "");
  CHECK(added.slides == 1);
  nlohmann::json dapi = ReadJson(data.root / "preprocess-metadata/dapi.json");
  CHECK(dapi["mask"]["background"] == "fluorescence");
  CHECK(dapi["mask"]["polarity"] == "above");
  // Sparse nuclei, not all-tissue: the brightfield rule keeps all 63 of these candidates.
  CHECK(added.patches > 0);
  CHECK(added.patches < static_cast<std::size_t>(dapi["candidates"].get<int>()) * 3 / 4);
  CHECK(CountFiles(data.root / "slide-patch/test/image") == added.patches);
  nlohmann::json checkpoint = ReadJson(data.root / "preprocess-checkpoint.json");
  CHECK(checkpoint["slides"].size() == 2);
  CHECK(checkpoint["slides"].contains("slide/test/dapi.ndpi"));

  TileRun refused = RunTile(data.root, {{"level", "2"},
                                        {"patch_size", "128"},
                                        {"background", "brightfield-only"},
                                        {"splits", "test"}});
  CHECK(refused.error ==
        "tile: 1 slide failed:\n  slide/test/dapi.ndpi: fluorescence slide (dark background: "
        "border median gray 0 < 64); refused because background=brightfield-only");

  // A changed slide file (here: replaced by a copy, so a new mtime) is tiled again, and its
  // previous patches are replaced rather than added to.
  const fs::path slide = data.root / "slide/train" / (kPyramid + ".svs");
  fs::remove(slide);
  fs::copy_file(TileData("slides/" + kPyramid + ".svs"), slide);
  TileRun changed = RunTile(data.root, args);
  REQUIRE(changed.error == "");
  CHECK(changed.slides == 1);
  CHECK(changed.summary["slides_skipped"] == 1);  // dapi.ndpi
  CHECK(changed.patches == first.patches);
  CHECK(CountFiles(data.root / "slide-patch/train/image") == first.patches);
}

TEST_CASE("tile: random sampling is seeded and stays inside the regions") {
  ScratchRoot data("random");
  data.AddSlide("slides/" + kCmu + ".svs", kCmu + ".svs");
  data.AddAnnotation("annotations/positive/" + kCmu + "/rectangle.geojson", "positive", kCmu);
  std::map<std::string, std::string> args = {{"sampling", "random"}, {"samples_per_region", "5"},
                                             {"seed", "7"},          {"min_tissue", "0"},
                                             {"format", "jpeg"},     {"patch_size", "128"}};
  REQUIRE(RunTile(data.root, args).error == "");
  nlohmann::json first = ReadJson(data.root / "preprocess-metadata" / (kCmu + ".json"));
  CHECK(first["patches"].size() == 5);
  for (const auto& p : first["patches"]) {
    long long cx = p["x"].get<long long>() + 64, cy = p["y"].get<long long>() + 64;
    CHECK((cx >= 512 && cx <= 1024 && cy >= 512 && cy <= 1536));
    CHECK(p["label"] == "positive");
  }
  fs::remove(data.root / "preprocess-checkpoint.json");
  REQUIRE(RunTile(data.root, args).error == "");
  nlohmann::json second = ReadJson(data.root / "preprocess-metadata" / (kCmu + ".json"));
  CHECK(PatchPositions(first) == PatchPositions(second));
  CHECK(CountFiles(data.root / "slide-patch/train/image") == 5);  // old files replaced
}

}  // namespace ctp::testing
