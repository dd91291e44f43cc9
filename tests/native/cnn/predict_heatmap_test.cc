// The predict step's per-slide heatmap: the blend rule pixel by pixel, and the step end to end on
// a real slide with a shard of patches at known positions.
#include "cnn/predict_heatmap.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "formats/image_io.h"
#include "patches/patch_shard.h"
#include "slide/slide.h"
#include "native_step_runner.h"
#include "tile_test_support.h"

namespace {

namespace fs = std::filesystem;
using Image = ctp::kernels::tiling::Image<std::uint8_t>;

using ctp::testing::RunStep;

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

}  // namespace

TEST_CASE("heatmap: covered pixels blend half-and-half with the blue-to-red ramp") {
  const Image thumbnail(4, 4, 3, 100);
  ctp::native::HeatmapPatches patches;
  patches.level0_top_left = {{0, 0}, {20, 20}};
  patches.level0_width = patches.level0_height = 20;  // 2×2 thumbnail pixels at 10 per pixel
  patches.probability = {1.0f, 0.0f};
  const Image heatmap = ctp::native::RenderHeatmap(thumbnail, 10.0, patches);
  auto pixel = [&](int x, int y) {
    const std::uint8_t* p = heatmap.pixels.data() + (std::size_t(y) * 4 + x) * 3;
    return std::array<int, 3>{p[0], p[1], p[2]};
  };
  CHECK(pixel(0, 0) == std::array<int, 3>{178, 50, 50});  // (100 + 255) / 2, 100 / 2
  CHECK(pixel(1, 1) == std::array<int, 3>{178, 50, 50});
  CHECK(pixel(3, 3) == std::array<int, 3>{50, 50, 178});    // probability 0: blue
  CHECK(pixel(2, 0) == std::array<int, 3>{100, 100, 100});  // not covered
  CHECK(pixel(0, 3) == std::array<int, 3>{100, 100, 100});
  patches.level0_top_left[1] = {10, 10};  // now overlapping at (1, 1): mean probability 0.5
  const Image overlap = ctp::native::RenderHeatmap(thumbnail, 10.0, patches);
  CHECK(int(overlap.pixels[(1 * 4 + 1) * 3]) == 114);  // (100 + 127.5) / 2
}

TEST_CASE("predict writes a heatmap PNG of the patches over the slide's thumbnail") {
  const fs::path slide = ctp::testing::TileData("slides/CMU-1-Small-Region.svs");
  const fs::path root = fs::temp_directory_path() / "ctp-predict-heatmap-test";
  fs::remove_all(root);
  fs::create_directories(root);
  // 16 bright (positive) and 16 dark (negative) 8×8 patches along the slide's top rows.
  const int count = 32;
  ctp::native::PatchShardWriter writer(root / "slide.ctpshard",
                                       ctp::native::MakeShardHeader(count, 8, 8, 0));
  for (int i = 0; i < count; ++i) {
    const bool positive = i % 2 == 0;
    const Image patch(8, 8, 3, std::uint8_t(positive ? 220 - i : 30 + i));
    writer.SetPatch(i, positive ? ctp::native::kLabelPositive : ctp::native::kLabelNegative, 64 * i,
                    positive ? 0 : 512, patch.View());
  }
  writer.Close();
  RunStep("train",
          {{"data", (root / "slide.ctpshard").string()},
           {"model", R"([{"type":"conv","out":4,"kernel":3,"padding":1},{"type":"relu"},)"
                     R"({"type":"maxpool"},{"type":"linear","out":2}])"},
           {"epochs", "15"},
           {"batch_size", "8"},
           {"optimizer", "adam"},
           {"learning_rate", "0.02"},
           {"checkpoint_root", (root / "ckpt").string()}},
          root / "train");
  const std::string checkpoint = ReadAll(root / "train" / "checkpoint");
  RunStep("predict",
          {{"checkpoint", checkpoint},
           {"data", (root / "slide.ctpshard").string()},
           {"slide", slide.string()}},
          root / "predict");
  const Image heatmap = ctp::native::DecodePng(
      ReadAll(root / "predict" / "heatmaps" / "CMU-1-Small-Region.heatmap.png"));
  ctp::native::Slide opened(slide);
  const ctp::native::LowResolutionImage thumbnail = ctp::native::ReadLowResolution(opened, 1024);
  REQUIRE(heatmap.width == thumbnail.rgb.width);
  REQUIRE(heatmap.height == thumbnail.rgb.height);
  REQUIRE(heatmap.channels == 3);
  const double scale = opened.Downsample(thumbnail.level) * thumbnail.factor;
  auto at = [&](const Image& image, double x0, double y0, int c) {
    return int(
        image.pixels[(std::size_t(y0 / scale) * image.width + std::size_t(x0 / scale)) * 3 + c]);
  };
  // Inside a positive patch red dominates, inside a negative one blue; far away: the thumbnail.
  CHECK(at(heatmap, 2, 2, 0) > at(heatmap, 2, 2, 2));
  CHECK(at(heatmap, 64 + 2, 512 + 2, 2) > at(heatmap, 64 + 2, 512 + 2, 0));
  for (int c = 0; c < 3; ++c) CHECK(at(heatmap, 1500, 2000, c) == at(thumbnail.rgb, 1500, 2000, c));

  // A heatmap needs the shard file itself as data.
  CHECK_THROWS_WITH(
      RunStep("predict",
              {{"checkpoint", checkpoint}, {"data", root.string()}, {"slide", slide.string()}},
              root / "predict2"),
      doctest::Contains("slide: data must be the slide's .ctpshard file"));
  fs::remove_all(root);
}
