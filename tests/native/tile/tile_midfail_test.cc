// The tile step on a slide whose level-0 JPEG tiles are damaged in the middle of the tissue: the
// workers have stored patches when one of them fails, the others stop (none left waiting in the
// shard's ring), the slide leaves nothing behind, another slide is tiled, and a rerun after the
// slide is restored tiles it.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <future>
#include <memory>
#include <thread>

#include "slide/tiff_jpeg_libraries.h"
#include "tile_test_support.h"

namespace ctp::testing {
namespace {

const std::string kPyramid = "slides/tcga-cr-7395-01a-01-ts1.jpeg-pyramid.svs";  // 4443x3567

/// Where one level-0 tile's compressed bytes lie in a slide file.
struct TileBytes {
  std::uint32_t index = 0;   ///< Tile number, row-major.
  std::uint64_t offset = 0;  ///< File offset of its JPEG stream.
  std::uint64_t bytes = 0;   ///< Its length.
};

/// The tiles of directory 0 (level 0) of a tiled TIFF, read with libtiff, and tiles per row.
std::vector<TileBytes> LevelZeroTiles(const fs::path& slide, std::uint32_t& across) {
  const native::TiffApi& tiff = native::Tiff();
  TIFFOpenOptions* options = tiff.open_options_alloc();
  TIFF* file = tiff.open(slide.c_str(), "r", options);
  tiff.open_options_free(options);
  REQUIRE_MESSAGE(file != nullptr, slide.string());
  std::uint32_t width = 0, height = 0, tile_width = 0, tile_height = 0;
  std::uint64_t* offsets = nullptr;
  std::uint64_t* counts = nullptr;
  REQUIRE(tiff.set_directory(file, 0) == 1);
  REQUIRE(tiff.get_field(file, TIFFTAG_IMAGEWIDTH, &width) == 1);
  REQUIRE(tiff.get_field(file, TIFFTAG_IMAGELENGTH, &height) == 1);
  REQUIRE(tiff.get_field(file, TIFFTAG_TILEWIDTH, &tile_width) == 1);
  REQUIRE(tiff.get_field(file, TIFFTAG_TILELENGTH, &tile_height) == 1);
  REQUIRE(tiff.get_field(file, TIFFTAG_TILEOFFSETS, &offsets) == 1);
  REQUIRE(tiff.get_field(file, TIFFTAG_TILEBYTECOUNTS, &counts) == 1);
  across = (width + tile_width - 1) / tile_width;
  const std::uint32_t rows = (height + tile_height - 1) / tile_height;
  std::vector<TileBytes> tiles;
  for (std::uint32_t i = 0; i < across * rows; ++i) tiles.push_back({i, offsets[i], counts[i]});
  tiff.close(file);
  return tiles;
}

/// Copies the pyramid sample to `target` and overwrites the start (SOI marker and more) of the
/// level-0 tile holding the most bytes (the densest tissue) in tile row `row` (the middle one by
/// default), so that reading it fails with both the direct decoder and OpenSlide. Returns that
/// tile's number.
std::uint32_t WriteDamagedSlide(const fs::path& target, int row = -1) {
  fs::copy_file(TileData(kPyramid), target, fs::copy_options::overwrite_existing);
  std::uint32_t across = 0;
  const std::vector<TileBytes> tiles = LevelZeroTiles(target, across);
  REQUIRE(tiles.size() == 18 * 14);
  const std::uint32_t damaged_row = row >= 0
                                        ? static_cast<std::uint32_t>(row)
                                        : static_cast<std::uint32_t>(tiles.size()) / across / 2;
  const auto row_begin = tiles.begin() + damaged_row * across;
  const TileBytes densest =
      *std::max_element(row_begin, row_begin + across,
                        [](const TileBytes& a, const TileBytes& b) { return a.bytes < b.bytes; });
  REQUIRE(densest.bytes > 16);
  std::fstream file(target, std::ios::in | std::ios::out | std::ios::binary);
  file.seekp(static_cast<std::streamoff>(densest.offset));
  file.write("damaged!damaged!", 16);
  REQUIRE(file.flush());
  return densest.index;
}

/// The step's error for the damaged slide whose tile `tile` (row-major, 18 per row) lost its SOI.
std::string DamagedFailure(std::uint32_t tile) {
  return "tile: 1 slide failed:\n  slide/train/damaged.svs: level 0, tile (" +
         std::to_string(tile % 18) + ", " + std::to_string(tile / 18) +
         "): corrupt JPEG data: the tile does not start with a JPEG start-of-image marker";
}

/// Runs the step on a thread of its own and waits at most `limit`; a step still running then
/// (workers waiting forever) fails the test instead of hanging it. The thread is left behind.
TileRun RunTileWithin(const fs::path& root, const std::map<std::string, std::string>& args,
                      std::chrono::seconds limit) {
  auto promise = std::make_shared<std::promise<TileRun>>();
  std::future<TileRun> result = promise->get_future();
  std::thread([promise, root, args] { promise->set_value(RunTile(root, args)); }).detach();
  if (result.wait_for(limit) != std::future_status::ready) {
    FAIL("the tile step did not finish within " << limit.count() << " s (a worker hangs)");
  }
  return result.get();
}

/// Whether any file under `dir` has a name starting with `prefix`.
bool AnyFileStartingWith(const fs::path& dir, const std::string& prefix) {
  if (!fs::is_directory(dir)) return false;
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    if (entry.path().filename().string().rfind(prefix, 0) == 0) return true;
  return false;
}

}  // namespace

TEST_CASE("tile: a slide failing in the middle of its patches leaves nothing and blocks no one") {
  for (const std::string threads : {"2", "4"}) {
    CAPTURE(threads);
    ScratchRoot data("midfail-" + threads);
    const fs::path damaged = data.root / "slide/train/damaged.svs";
    const std::uint32_t tile = WriteDamagedSlide(damaged);
    data.AddSlide("slides/CMU-1-Small-Region.svs", "good.svs");
    const std::map<std::string, std::string> args = {{"patch_size", "128"},
                                                     {"format", "jpeg"},
                                                     {"keep_unlabelled", "true"},
                                                     {"threads", threads}};
    const TileRun run = RunTileWithin(data.root, args, std::chrono::seconds(60));

    // The direct decoder refuses the tile as corrupt (no fallback to OpenSlide).
    CHECK(run.error == DamagedFailure(tile));
    CHECK(run.log.find("error: slide/train/damaged.svs: level 0, tile (") != std::string::npos);
    CHECK(tile / 18 == 7);
    // Patches of the damaged slide were stored before the read failed (reported every 64).
    bool stored_before = false;
    for (const StepProgress& p : run.progress)
      stored_before |= p.text.find("slide/train/damaged.svs: 64 patches") != std::string::npos;
    CHECK(stored_before);

    // Nothing of the damaged slide stays; the good slide is tiled and checkpointed.
    CHECK(run.slides == 1);
    CHECK(run.summary["slides_failed"] == 1);
    CHECK(!AnyFileStartingWith(data.root / "slide-patch", "damaged"));
    CHECK(!AnyFileStartingWith(data.root / "preprocess-metadata", "damaged"));
    CHECK(AnyFileStartingWith(data.root / "slide-patch/train/image", "good_"));
    CHECK(fs::exists(data.root / "slide-patch/train/shard/good.ctpshard"));
    CHECK(fs::exists(data.root / "preprocess-metadata/good.json"));
    CHECK(!fs::exists(data.root / ".ctp-tile-staging"));
    nlohmann::json checkpoint = ReadJson(data.root / "preprocess-checkpoint.json");
    CHECK(checkpoint["slides"].size() == 1);
    CHECK(checkpoint["slides"].contains("slide/train/good.svs"));
    CHECK(CountFiles(data.root / "slide-patch/train/image") == run.patches);

    // Restored, the slide is tiled by the next run (the good one is skipped). Once: it is the
    // slowest part.
    if (threads != "4") continue;
    fs::copy_file(TileData(kPyramid), damaged, fs::copy_options::overwrite_existing);
    const TileRun rerun = RunTileWithin(data.root, args, std::chrono::seconds(60));
    CHECK(rerun.error == "");
    CHECK(rerun.slides == 1);
    CHECK(rerun.summary["slides_skipped"] == 1);
    CHECK(rerun.patches > 64);
    nlohmann::json metadata = ReadJson(data.root / "preprocess-metadata/damaged.json");
    CHECK(metadata["patches"].size() == rerun.patches);
    CHECK(ReadJson(data.root / "preprocess-checkpoint.json")["slides"].size() == 2);
    CHECK(fs::exists(data.root / "slide-patch/train/shard/damaged.ctpshard"));
    CHECK(CountFiles(data.root / "slide-patch/train/image") == run.patches + rerun.patches);
  }
}

// Patches of 1024 pixels every 128: one run (9 patches, 27 MiB) and the next reach past the
// shard's ring (8 chunks of 4 MiB), so workers holding later runs wait in SetPatch for the run
// that fails. Without PatchShardWriter::Abandon after the failure they would wait forever.
TEST_CASE("tile: workers waiting in the shard's ring for a failed run's patches are released") {
  for (const std::string threads : {"2", "4"}) {
    CAPTURE(threads);
    ScratchRoot data("midfail-ring-" + threads);
    const std::uint32_t tile = WriteDamagedSlide(data.root / "slide/train/damaged.svs", 4);
    const TileRun run = RunTileWithin(data.root,
                                      {{"patch_size", "1024"},
                                       {"stride", "128"},
                                       {"images", "false"},
                                       {"keep_unlabelled", "true"},
                                       {"threads", threads}},
                                      std::chrono::seconds(60));
    CHECK(run.error == DamagedFailure(tile));
    CHECK(run.slides == 0);
    CHECK(!AnyFileStartingWith(data.root / "slide-patch", "damaged"));
    CHECK(!AnyFileStartingWith(data.root / "preprocess-metadata", "damaged"));
    CHECK(!fs::exists(data.root / ".ctp-tile-staging"));
    CHECK(!fs::exists(data.root / "preprocess-checkpoint.json"));
  }
}

}  // namespace ctp::testing
