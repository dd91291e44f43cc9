// Small single-level slides: the patches are cut from the level that the tissue mask and
// thumbnail read decoded whole, with the very pixels the workers' reader would have decoded.
#include <doctest/doctest.h>

#include <cstring>

#include "slide/level_reader.h"
#include "patches/patch_shard.h"
#include "slide/slide.h"
#include "tile_test_support.h"

namespace ctp::testing {
namespace {

namespace tiling = kernels::tiling;

const std::string kCmuStem = "CMU-1-Small-Region";  // one level, 2220 x 2967, Aperio JPEG tiles
const std::string kPyramidStem = "tcga-cr-7395-01a-01-ts1.jpeg-pyramid";  // 6 levels

const std::map<std::string, std::string> kArgs = {{"patch_size", "256"},
                                                  {"keep_unlabelled", "true"},
                                                  {"min_hole_pixels", "0"},
                                                  {"min_speck_pixels", "0"},
                                                  {"threads", "2"}};

}  // namespace

TEST_CASE("tile: a single-level slide's patches come from the mask's decode, not from new reads") {
  for (const std::string decoder : {"auto", "openslide"}) {
    CAPTURE(decoder);
    ScratchRoot data("patch-level-" + decoder);
    data.AddSlide("slides/" + kCmuStem + ".svs", kCmuStem + ".svs");
    auto args = kArgs;
    args["decoder"] = decoder;
    const std::uint64_t reads_before = native::LevelReader::RegionsRead();
    const TileRun run = RunTile(data.root, args);
    REQUIRE(run.error == "");
    CHECK(native::LevelReader::RegionsRead() == reads_before);  // no patch region was read
    // The pixels are those a LevelReader of the step's read mode gives for each patch.
    const native::PatchShard shard =
        native::ReadPatchShard(data.root / "slide-patch/train/shard" / (kCmuStem + ".ctpshard"));
    REQUIRE(shard.header.count == 27);
    native::Slide slide(TileData("slides/" + kCmuStem + ".svs"));
    const native::LevelSize size = slide.Size(0);
    const native::ReadMode mode = native::ChooseReadMode(slide.Path(), slide, 0, decoder == "auto");
    CHECK(mode.direct == (decoder == "auto"));
    native::LevelReader reader(slide.Path(), 0, 1.0, size.width, size.height, mode,
                               kernels::Device::kCpu);
    const std::size_t patch_bytes = 256 * 256 * 3;
    for (std::size_t i = 0; i < shard.coords.size(); ++i) {
      CAPTURE(i);
      tiling::Image<std::uint8_t> expected(256, 256, 3, 7);
      reader.ReadRgb(shard.coords[i][0], shard.coords[i][1], expected.View());
      CHECK(std::memcmp(expected.pixels.data(), shard.pixels.data() + i * patch_bytes,
                        patch_bytes) == 0);
    }
  }
}

TEST_CASE("tile: patches of a level the mask read did not decode whole are read by the workers") {
  ScratchRoot data("patch-level-pyramid");
  data.AddSlide("slides/" + kPyramidStem + ".svs", kPyramidStem + ".svs");
  const std::uint64_t reads_before = native::LevelReader::RegionsRead();
  const TileRun run = RunTile(data.root, kArgs);
  REQUIRE(run.error == "");
  CHECK(run.patches == 144);
  // Level 0 (the mask comes from level 1): one read per run of neighbouring patches.
  CHECK(native::LevelReader::RegionsRead() > reads_before);
  CHECK(native::LevelReader::RegionsRead() - reads_before <= 144);
}

TEST_CASE("tile: the whole-level read keeps every row of the level and says which reader ran") {
  // The mask image uses whole multiples of its box factor (2 on CMU-1's 2967 rows: 2966); the
  // kept decode has all rows, as patches on the last row need them.
  native::Slide slide(TileData("slides/" + kCmuStem + ".svs"));
  for (bool direct : {true, false}) {
    CAPTURE(direct);
    native::DecodedLevel level;
    const auto images =
        native::ReadLowResolutions(slide, {1024, 512}, kernels::Device::kCpu, direct, &level);
    CHECK(images[0].factor == 2);
    CHECK(level.level == 0);
    CHECK(level.direct == direct);
    CHECK(level.rgb.width == 2220);
    CHECK(level.rgb.height == 2967);
    // The mask image is the same as without keeping the level.
    CHECK(native::ReadLowResolution(slide, 1024, kernels::Device::kCpu, direct).rgb.pixels ==
          images[0].rgb.pixels);
  }
  // Decoded directly in bands of whole tile rows on several threads: the same pixels.
  native::DecodedLevel one_thread, three_threads;
  const auto images_one =
      native::ReadLowResolutions(slide, {1024, 512}, kernels::Device::kCpu, true, &one_thread, 1);
  const auto images_three = native::ReadLowResolutions(slide, {1024, 512}, kernels::Device::kCpu,
                                                       true, &three_threads, 3);
  CHECK(three_threads.direct);
  CHECK(three_threads.rgb.pixels == one_thread.rgb.pixels);
  CHECK(images_three[0].rgb.pixels == images_one[0].rgb.pixels);
  CHECK(images_three[1].rgb.pixels == images_one[1].rgb.pixels);
  native::Slide pyramid(TileData("slides/" + kPyramidStem + ".svs"));
  native::DecodedLevel level;
  // Mask (level 2) and thumbnail from different levels: nothing decoded for both.
  native::ReadLowResolutions(pyramid, {1024, 512}, kernels::Device::kCpu, true, &level);
  CHECK(level.level == -1);
  native::ReadLowResolutions(pyramid, {1024}, kernels::Device::kCpu, true, &level);
  CHECK(level.level == 2);  // not a patch level of 0: the step drops it
  CHECK(level.rgb.height == pyramid.Size(2).height);
}

TEST_CASE("tile: a decoded level serves the patches only with the workers' reader's pixels") {
  native::DecodedLevel direct, openslide;
  direct.level = openslide.level = 0;
  direct.direct = true;
  const native::ReadMode direct_mode{true, "", 240, 240}, openslide_mode{false, "openslide", 0, 0};
  CHECK(native::DecodedLevelServesPatches(direct, 0, 1.0, direct_mode));
  CHECK(native::DecodedLevelServesPatches(openslide, 0, 1.0, openslide_mode));
  // Another reader than the workers' (a fallback): 1-4 apart on coarser levels, never reused.
  CHECK_FALSE(native::DecodedLevelServesPatches(direct, 0, 1.0, openslide_mode));
  CHECK_FALSE(native::DecodedLevelServesPatches(openslide, 0, 1.0, direct_mode));
  // Another level, or OpenSlide on a scaled level (regions placed at level-0 coordinates).
  CHECK_FALSE(native::DecodedLevelServesPatches(direct, 1, 1.0, direct_mode));
  CHECK_FALSE(native::DecodedLevelServesPatches(native::DecodedLevel{}, 0, 1.0, direct_mode));
  openslide.level = direct.level = 2;
  CHECK_FALSE(native::DecodedLevelServesPatches(openslide, 2, 4.000434, openslide_mode));
  CHECK(native::DecodedLevelServesPatches(direct, 2, 4.000434, direct_mode));
}

}  // namespace ctp::testing
