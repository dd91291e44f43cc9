// Slides whose JPEG tiles are corrupt: the direct decoder refuses them with the level and the
// tile (a libjpeg warning included: it would go on with made-up pixels), no reader falls back to
// OpenSlide on them, and the tile step fails for that slide leaving nothing of it on disk.
#include <doctest/doctest.h>

#include "jpeg_tiff_writer.h"
#include "run_ctp.h"
#include "slide/level_reader.h"
#include "slide/slide.h"
#include "slide/tiff_jpeg_level.h"
#include "tile_test_support.h"

namespace ctp::testing {
namespace {

namespace tiling = kernels::tiling;

/// A folder of test slides: good.tiff, and the same image with tile (1, 0)'s entropy-coded data
/// cut by an EOI marker in its middle (corrupt.tiff) or with tile (0, 1) not starting with a
/// JPEG SOI marker (no-soi.tiff). 256x256 pixels, 128-pixel tiles.
struct CorruptSlides {
  fs::path dir = fs::temp_directory_path() / "ctp-corrupt-tile-test";
  fs::path good = dir / "good.tiff", corrupt = dir / "corrupt.tiff", no_soi = dir / "no-soi.tiff";
  CorruptSlides() {
    fs::remove_all(dir);
    fs::create_directories(dir);
    JpegTiff tiff = MakeJpegTiff(NoisyTissue(256, 256), 128);
    WriteJpegTiff(tiff, good);
    JpegTiff cut = tiff;
    const std::size_t middle = MiddleOfScan(cut.tiles[1]);
    cut.tiles[1][middle] = '\xFF';
    cut.tiles[1][middle + 1] = '\xD9';
    WriteJpegTiff(cut, corrupt);
    tiff.tiles[2].replace(0, 2, "XX");
    WriteJpegTiff(tiff, no_soi);
  }
  ~CorruptSlides() { fs::remove_all(dir); }
};

constexpr const char* kPrematureEnd =
    "level 0, tile (1, 0): corrupt JPEG data: premature end of data segment";

tiling::Image<std::uint8_t> ReadDirect(const fs::path& path, std::int64_t x, std::int64_t y, int w,
                                       int h) {
  auto level = native::TiffJpegLevel::Open(path, 0, 256, 256);
  REQUIRE(level);
  tiling::Image<std::uint8_t> rgb(w, h, 3);
  level->ReadRgb(x, y, rgb.View());
  return rgb;
}

}  // namespace

TEST_CASE("tile decoder: a corrupt JPEG tile is an error naming the level and the tile") {
  const CorruptSlides slides;
  // The generated slide is what OpenSlide reads as a generic TIFF, and read directly.
  native::Slide good(slides.good);
  CHECK(good.Vendor() == "generic-tiff");
  const native::ReadMode mode = native::ChooseReadMode(slides.good, good, 0, true);
  REQUIRE(mode.direct);
  CHECK(mode.tile_width == 128);
  CHECK_NOTHROW(ReadDirect(slides.good, 0, 0, 256, 256));

  // A warning (the data segment ends early) is refused like an error, only where the tile is
  // read: the tiles beside it still decode.
  CHECK_THROWS_AS(ReadDirect(slides.corrupt, 0, 0, 256, 256), native::CorruptTileError);
  CHECK_THROWS_WITH(ReadDirect(slides.corrupt, 100, 20, 64, 64), kPrematureEnd);
  CHECK(ReadDirect(slides.corrupt, 0, 0, 128, 256).pixels ==
        ReadDirect(slides.good, 0, 0, 128, 256).pixels);
  CHECK_THROWS_WITH(ReadDirect(slides.no_soi, 0, 128, 128, 128),
                    "level 0, tile (0, 1): corrupt JPEG data: the tile does not start with a JPEG "
                    "start-of-image marker");

  // The tile step's readers: no fallback to OpenSlide (which refuses the tile too).
  native::LevelReader direct(slides.corrupt, 0, 1.0, 256, 256, mode, kernels::Device::kCpu);
  tiling::Image<std::uint8_t> patch(64, 64, 3);
  CHECK_THROWS_WITH(direct.ReadRgb(150, 30, patch.View()), kPrematureEnd);
  native::LevelReader openslide(slides.corrupt, 0, 1.0, 256, 256, {false, "test"},
                                kernels::Device::kCpu);
  CHECK_THROWS_WITH(openslide.ReadRgb(150, 30, patch.View()), doctest::Contains("read failed: "));
  native::Slide corrupt(slides.corrupt);
  CHECK_THROWS_WITH(native::ReadLowResolution(corrupt, 1024, kernels::Device::kCpu, true),
                    kPrematureEnd);
  native::Slide no_soi(slides.no_soi);  // tile row 1: the second of two bands read at once
  CHECK_THROWS_WITH(
      native::ReadLowResolutions(no_soi, {1024}, kernels::Device::kCpu, true, nullptr, 2),
      "level 0, tile (0, 1): corrupt JPEG data: the tile does not start with a JPEG "
      "start-of-image marker");
}

TEST_CASE("ctp step tile: a slide with a corrupt JPEG tile fails the step and leaves nothing") {
  const CorruptSlides slides;
  ScratchRoot data("corrupt-tile");
  fs::copy_file(slides.good, data.root / "slide/train/good.tiff");
  fs::copy_file(slides.corrupt, data.root / "slide/train/corrupt.tiff");
  const CommandResult result =
      RunCtp("step tile --data '" + data.root.string() +
             "' --patch_size 64 --keep_unlabelled true --min_tissue 0.2 --output-dir '" +
             (data.root / "outputs").string() + "'");
  CHECK(result.exit_code == 1);
  const std::string failure = std::string("slide/train/corrupt.tiff: ") + kPrematureEnd;
  CHECK(result.err.ends_with("ctp step: error: tile: 1 slide failed:\n  " + failure + "\n"));
  CHECK(result.out.find("error: " + failure + "\n") != std::string::npos);

  // The good slide is tiled and checkpointed; of the corrupt one nothing is left or recorded.
  CHECK(fs::exists(data.root / "slide-patch/train/shard/good.ctpshard"));
  CHECK(ReadJson(data.root / "preprocess-metadata/good.json")["decoder"] == "libtiff+turbojpeg");
  CHECK(CountFiles(data.root / "slide-patch/train/image") > 0);
  std::vector<std::string> left;  // files named after the corrupt slide, besides the slide
  for (const auto& entry : fs::recursive_directory_iterator(data.root))
    if (entry.path().filename().string().rfind("corrupt", 0) == 0 &&
        entry.path() != data.root / "slide/train/corrupt.tiff")
      left.push_back(entry.path().string());
  CHECK(left == std::vector<std::string>{});
  CHECK(!fs::exists(data.root / ".ctp-tile-staging"));
  const nlohmann::json checkpoint = ReadJson(data.root / "preprocess-checkpoint.json");
  CHECK(checkpoint["slides"].size() == 1);
  CHECK(checkpoint["slides"].contains("slide/train/good.tiff"));
  const nlohmann::json summary = ReadJson(data.root / "outputs/summary");
  CHECK(summary["slides_failed"] == 1);
  CHECK(summary["failures"][0] == failure);
}

}  // namespace ctp::testing
