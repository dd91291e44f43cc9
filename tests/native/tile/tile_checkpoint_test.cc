// A damaged preprocess-checkpoint.json (or a slide's damaged metadata from the previous run) is
// refused with the file, the field and how to recover, instead of silently tiling everything
// again or skipping slides: nothing is tiled, removed or rewritten.
#include <doctest/doctest.h>

#include <fstream>

#include "jpeg_tiff_writer.h"
#include "run_ctp.h"
#include "tile_test_support.h"

namespace ctp::testing {
namespace {

/// A data root holding one small generated slide (slide/train/good.tiff), tiled once.
struct TiledRoot {
  ScratchRoot data{"checkpoint"};
  fs::path checkpoint = data.root / "preprocess-checkpoint.json";
  fs::path metadata = data.root / "preprocess-metadata/good.json";
  std::map<std::string, std::string> args = {
      {"patch_size", "64"}, {"min_tissue", "0.2"}, {"keep_unlabelled", "true"}};
  TiledRoot() {
    WriteJpegTiff(MakeJpegTiff(NoisyTissue(256, 256), 128), data.root / "slide/train/good.tiff");
    const TileRun run = RunTile(data.root, args);
    REQUIRE(run.error == "");
    REQUIRE(run.patches > 1);
  }
  void Write(const fs::path& path, const std::string& text) const {
    std::ofstream(path, std::ios::trunc) << text;
  }
};

constexpr const char* kRecovery =
    "; delete it to tile every slide again (their outputs are replaced as each slide is done)";

}  // namespace

TEST_CASE("tile checkpoint: a damaged checkpoint is refused, naming the file and the field") {
  TiledRoot root;
  const std::string path = root.checkpoint.string();
  const auto metadata_time = fs::last_write_time(root.metadata);
  const std::size_t images = CountFiles(root.data.root / "slide-patch/train/image");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"version": 1, "slides": {"slide/train/good.tiff": {"size": "12", "mtime": 1,
          "fingerprint": "f", "patches": 3}}})",
       path + ": field 'slides[\"slide/train/good.tiff\"].size' must be a whole number of at "
              "least 0, got \"12\""},
      {R"({"version": 1, "slides": {"slide/train/good.tiff": {"size": 12, "mtime": 1,
          "patches": 3}}})",
       path + ": field 'slides[\"slide/train/good.tiff\"].fingerprint' is missing"},
      {R"({"version": 1, "slides": {"slide/train/good.tiff": 3}})",
       path + ": field 'slides[\"slide/train/good.tiff\"]' must be an object, got 3"},
      {R"({"version": 1, "slides": []})",
       path + ": field 'slides' must be an object, got an array"},
      {R"({"version": 2, "slides": {}})", path + ": field 'version' must be 1, got 2"},
      {R"({"slides": {}})", path + ": field 'version' is missing"},
      {R"([])", path + ": the document must be an object, got an array"}};
  for (const auto& [text, error] : cases) {
    CAPTURE(text);
    root.Write(root.checkpoint, text);
    const TileRun run = RunTile(root.data.root, root.args);
    CHECK(run.error == error + kRecovery);
    // Nothing was tiled again, removed or rewritten.
    CHECK(fs::last_write_time(root.metadata) == metadata_time);
    CHECK(CountFiles(root.data.root / "slide-patch/train/image") == images);
    std::ifstream in(root.checkpoint);
    CHECK(std::string(std::istreambuf_iterator<char>(in), {}) == text);
  }
  root.Write(root.checkpoint, "{\"version\": 1, \"slides\": {");
  const std::string invalid = RunTile(root.data.root, root.args).error;
  CHECK(invalid.rfind(path + ": not valid JSON ([json.exception.parse_error.101] ", 0) == 0);
  CHECK(invalid.ends_with(kRecovery));

  // The command exits 1 with the message; after the file is deleted, the slide is tiled again.
  root.Write(root.checkpoint, R"({"version": 1, "slides": []})");
  const CommandResult result = RunCtp("step tile --data '" + root.data.root.string() +
                                      "' --patch_size 64 --min_tissue 0.2 --keep_unlabelled true "
                                      "--output-dir '" +
                                      (root.data.root / "outputs").string() + "'");
  CHECK(result.exit_code == 1);
  CHECK(result.err == "ctp step: error: " + path +
                          ": field 'slides' must be an object, got an array" + kRecovery + "\n");
  fs::remove(root.checkpoint);
  const TileRun again = RunTile(root.data.root, root.args);
  CHECK(again.error == "");
  CHECK(again.slides == 1);
  CHECK(CountFiles(root.data.root / "slide-patch/train/image") == images);
}

TEST_CASE("tile checkpoint: a slide's damaged metadata fails that slide before anything moves") {
  TiledRoot root;
  nlohmann::json metadata = ReadJson(root.metadata);
  metadata["patches"][1]["name"] = 7;
  root.Write(root.metadata, metadata.dump());
  const std::size_t images = CountFiles(root.data.root / "slide-patch/train/image");
  fs::remove(root.checkpoint);  // so that the slide is tiled again
  const TileRun run = RunTile(root.data.root, root.args);
  CHECK(run.error == "tile: 1 slide failed:\n  slide/train/good.tiff: " + root.metadata.string() +
                         ": field 'patches[1].name' must be a string, got 7; delete it and the "
                         "slide's patch files to tile it again");
  CHECK(ReadJson(root.metadata) == metadata);  // the previous outputs stay as they were
  CHECK(CountFiles(root.data.root / "slide-patch/train/image") == images);
  CHECK(!fs::exists(root.data.root / ".ctp-tile-staging"));
}

}  // namespace ctp::testing
