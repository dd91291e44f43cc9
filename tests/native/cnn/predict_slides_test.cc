// The predict step over a folder of slides: one heatmap per slide, of the documented size, with
// exact colours from a model whose output is known (bright patches 0.75 positive, dark ones
// 0.25), the summary's per-slide fractions, and the bad inputs with their exact messages.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "formats/image_io.h"
#include "cnn/model_checkpoint.h"
#include "cnn/model_spec.h"
#include "patches/patch_shard.h"
#include "slide/slide.h"
#include "native_step_runner.h"
#include "test_paths.h"

namespace {

namespace fs = std::filesystem;
using Image = ctp::kernels::tiling::Image<std::uint8_t>;
using ctp::testing::RunStep;

const std::string kLeft = "CMU-1-Small-Region-left", kRight = "CMU-1-Small-Region-right";
constexpr std::uint8_t kBright = 204, kDark = 51;  // 0.8 and 0.2 after x / 255
constexpr int kLevel = 3, kPatch = 8;              // 8×8 at downsample 8: 64 level-0 pixels

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

/// A patch of the test shards: level-0 top-left and its uniform grey value.
struct TestPatch {
  std::int32_t x, y;
  std::uint8_t value;
};

const std::map<std::string, std::vector<TestPatch>>& Patches() {
  static const std::map<std::string, std::vector<TestPatch>> patches = {
      {kLeft, {{0, 0, kBright}, {128, 0, kDark}, {256, 256, kBright}}},
      {kRight, {{0, 0, kDark}, {320, 640, kBright}}}};
  return patches;
}

/// A scratch folder with the demo's two slides in slides/, their shards in shard/ and a
/// checkpoint in ckpt/ whose positive probability is 0.75 for a bright patch, 0.25 for a dark one.
struct PredictScratch {
  fs::path root = fs::temp_directory_path() / "ctp-predict-slides-test";
  fs::path slides = root / "slides", shards = root / "shard", checkpoint;

  PredictScratch() {
    fs::remove_all(root);
    fs::create_directories(slides);
    fs::create_directories(shards);
    for (const std::string& stem : {kLeft, kRight}) {
      const std::string split = stem == kLeft ? "test" : "train";
      fs::create_symlink(
          ctp::testing::SourcePath("scripts/data/slide/" + split + "/" + stem + ".tiff"),
          slides / (stem + ".tiff"));
      WriteShard(stem, Patches().at(stem));
    }
    checkpoint = KnownCheckpoint();
  }
  ~PredictScratch() { fs::remove_all(root); }

  void WriteShard(const std::string& stem, const std::vector<TestPatch>& patches) const {
    ctp::native::PatchShardWriter writer(
        shards / (stem + ".ctpshard"),
        ctp::native::MakeShardHeader(patches.size(), kPatch, kPatch, kLevel));
    for (std::size_t i = 0; i < patches.size(); ++i)
      writer.SetPatch(i, ctp::native::kLabelNone, patches[i].x, patches[i].y,
                      Image(kPatch, kPatch, 3, patches[i].value).View());
    writer.Close();
  }

  // Global average pooling, then Linear: logit(positive) − logit(negative) = a·red + c with
  // a·0.8 + c = ln 3 and a·0.2 + c = −ln 3, so softmax gives 0.75 / 0.25.
  fs::path KnownCheckpoint() const {
    ctp::native::ModelInfo info;
    info.model = ctp::native::ResolveModel(R"([{"type":"gap"},{"type":"linear","out":2}])", 2);
    info.channels = 3;
    info.height = info.width = kPatch;
    info.class_names = {"negative", "positive"};
    info.normalization = {{0, 0, 0}, {1, 1, 1}};
    auto network = ctp::native::BuildNetwork(info, 0);
    const float ln3 = std::log(3.0f), a = 10.0f / 3.0f * ln3, c = -5.0f / 3.0f * ln3;
    REQUIRE(network.parameters().size() == 2);
    network.parameters()[0]->value.CopyFromHost(std::vector<float>{0, 0, 0, a, 0, 0});
    network.parameters()[1]->value.CopyFromHost(std::vector<float>{0, c});
    return ctp::native::SaveCheckpoint(root / "ckpt", info, network);
  }

  std::map<std::string, std::string> Args(const fs::path& slide, const fs::path& data) const {
    return {
        {"checkpoint", checkpoint.string()}, {"data", data.string()}, {"slide", slide.string()}};
  }
};

/// The colour the heatmap gives thumbnail value `t` under probability 0.75 (bright) or 0.25.
int Blend(int t, int channel, bool bright) {
  const double p = bright ? 0.75 : 0.25;
  const double ramp[3] = {255 * p, 0, 255 * (1 - p)};
  return int(std::lround((t + ramp[channel]) / 2));
}

/// Checks every pixel of `heatmap` against the thumbnail of `slide` and the slide's test patches.
void CheckHeatmap(const Image& heatmap, const fs::path& slide, const std::string& stem) {
  ctp::native::Slide opened(slide);
  const ctp::native::LowResolutionImage thumbnail = ctp::native::ReadLowResolution(opened, 1024);
  const double scale = opened.Downsample(thumbnail.level) * thumbnail.factor;
  // Level 1 of the 5-level pyramid (the lowest with a side >= 1024): about 2 level-0 pixels per
  // pixel. A patch covers the pixels from floor(x / scale) to ceil((x + side) / scale), its side
  // being 8 pixels at level 3 (OpenSlide's downsample of level 3: about 8).
  CHECK(scale == doctest::Approx(2.0).epsilon(0.001));
  const double side = kPatch * opened.Downsample(kLevel);
  CHECK(side == doctest::Approx(64.0).epsilon(0.01));
  REQUIRE(heatmap.width == thumbnail.rgb.width);
  REQUIRE(heatmap.height == thumbnail.rgb.height);
  REQUIRE(heatmap.channels == 3);
  int covered = 0, mismatches = 0;
  for (int y = 0; y < heatmap.height; ++y)
    for (int x = 0; x < heatmap.width; ++x) {
      const TestPatch* under = nullptr;
      for (const TestPatch& p : Patches().at(stem))
        if (x >= std::floor(p.x / scale) && x < std::ceil((p.x + side) / scale) &&
            y >= std::floor(p.y / scale) && y < std::ceil((p.y + side) / scale))
          under = &p;
      covered += under != nullptr;
      for (int c = 0; c < 3; ++c) {
        const std::size_t at = (std::size_t(y) * heatmap.width + x) * 3 + c;
        const int t = thumbnail.rgb.pixels[at];
        const int expected = under ? Blend(t, c, under->value == kBright) : t;
        mismatches += int(heatmap.pixels[at]) != expected;
      }
    }
  CHECK(covered >= int(Patches().at(stem).size()) * 32 * 32);
  CHECK(mismatches == 0);
}

}  // namespace

TEST_CASE("predict over a folder of slides writes one heatmap per slide and a summary") {
  PredictScratch scratch;
  const fs::path out = scratch.root / "out";
  RunStep("predict", scratch.Args(scratch.slides, scratch.shards), out);

  // The heatmap covers the slide's whole level-0 area at about 2 level-0 pixels per pixel: the
  // slide's view with a longer side of at least 1024 (the tile step's thumbnail: at least 512).
  const Image left = ctp::native::DecodePng(ReadAll(out / "heatmaps" / (kLeft + ".heatmap.png")));
  const Image right = ctp::native::DecodePng(ReadAll(out / "heatmaps" / (kRight + ".heatmap.png")));
  CHECK(left.width == 320);
  CHECK(left.height == 1483);
  CHECK(right.width == 360);
  CHECK(right.height == 1483);
  CheckHeatmap(left, scratch.slides / (kLeft + ".tiff"), kLeft);
  CheckHeatmap(right, scratch.slides / (kRight + ".tiff"), kRight);
  int files = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(out / "heatmaps")) ++files;
  CHECK(files == 2);

  const nlohmann::json summary = nlohmann::json::parse(ReadAll(out / "summary"));
  const nlohmann::json expected = {
      {"class_names", {"negative", "positive"}},
      {"items", 5},
      {"fractions", {{"negative", 0.4}, {"positive", 0.6}}},
      {"heatmap_class", "positive"},
      {"slides",
       {{{"slide", kLeft + ".tiff"},
         {"patches", 3},
         {"fractions", {{"negative", 1.0 / 3.0}, {"positive", 2.0 / 3.0}}},
         {"heatmap", kLeft + ".heatmap.png"}},
        {{"slide", kRight + ".tiff"},
         {"patches", 2},
         {"fractions", {{"negative", 0.5}, {"positive", 0.5}}},
         {"heatmap", kRight + ".heatmap.png"}}}},
      {"failed", nlohmann::json::array()}};
  CHECK(summary.dump(1) == expected.dump(1));
  CHECK(ReadAll(out / "predictions") ==
        "item,predicted,p_negative,p_positive\n"
        "CMU-1-Small-Region-left.ctpshard@0,0,positive,0.250000,0.750000\n"
        "CMU-1-Small-Region-left.ctpshard@128,0,negative,0.750000,0.250000\n"
        "CMU-1-Small-Region-left.ctpshard@256,256,positive,0.250000,0.750000\n"
        "CMU-1-Small-Region-right.ctpshard@0,0,negative,0.750000,0.250000\n"
        "CMU-1-Small-Region-right.ctpshard@320,640,positive,0.250000,0.750000\n");
  CHECK(ReadAll(out / "count") == "5");
  CHECK(ReadAll(out / "slides") == "2");

  // heatmap_class=negative paints the other probability: a bright patch is now 0.25 (blue).
  const fs::path negative = scratch.root / "out-negative";
  auto args = scratch.Args(scratch.slides, scratch.shards);
  args["heatmap_class"] = "negative";
  RunStep("predict", args, negative);
  const Image flipped =
      ctp::native::DecodePng(ReadAll(negative / "heatmaps" / (kLeft + ".heatmap.png")));
  CHECK(int(flipped.pixels[0]) < int(flipped.pixels[2]));  // (0, 0): bright patch, blue wins
  CHECK(int(left.pixels[0]) > int(left.pixels[2]));
}

TEST_CASE("predict over slides: an empty folder, an unreadable slide, a slide with no patches") {
  PredictScratch scratch;
  const fs::path out = scratch.root / "out";

  // An empty folder: nothing is written.
  const fs::path empty = scratch.root / "empty";
  fs::create_directories(empty);
  CHECK_THROWS_WITH(RunStep("predict", scratch.Args(empty, scratch.shards), out),
                    (empty.string() +
                     ": no slides in this folder (expected .svs, .tif, .tiff, .ndpi, .vms, .vmu, "
                     ".scn, .mrxs, .svslide, .bif files)")
                        .c_str());
  CHECK_FALSE(fs::exists(out));
  CHECK_THROWS_WITH(
      RunStep("predict", scratch.Args(scratch.root / "nope", scratch.shards), out),
      ("slide '" + (scratch.root / "nope").string() + "': no such file or folder").c_str());
  CHECK_THROWS_WITH(
      RunStep("predict", scratch.Args(scratch.slides, scratch.shards / (kLeft + ".ctpshard")), out),
      ("slide: with a folder of slides, data must be the folder of their .ctpshard files (got '" +
       (scratch.shards / (kLeft + ".ctpshard")).string() + "')")
          .c_str());
  CHECK_FALSE(fs::exists(out));

  // An unreadable slide (with a shard): named; the other slide still gets its heatmap.
  const fs::path broken = scratch.slides / "broken.svs";
  std::ofstream(broken) << "not a slide";
  scratch.WriteShard("broken", {{0, 0, kBright}});
  const std::string unreadable =
      broken.string() + ": heatmap: cannot open: not a slide format OpenSlide recognises";
  CHECK_THROWS_WITH(
      RunStep("predict", scratch.Args(scratch.slides, scratch.shards), out),
      ("1 of 3 slides failed (the others' heatmaps are written): " + unreadable).c_str());
  CHECK(fs::exists(out / "heatmaps" / (kLeft + ".heatmap.png")));
  CHECK(fs::exists(out / "heatmaps" / (kRight + ".heatmap.png")));
  CHECK_FALSE(fs::exists(out / "heatmaps" / "broken.heatmap.png"));
  const nlohmann::json summary = nlohmann::json::parse(ReadAll(out / "summary"));
  CHECK(summary["failed"] ==
        nlohmann::json::array({{{"slide", "broken.svs"}, {"error", unreadable}}}));
  CHECK(summary["slides"].size() == 2);
  CHECK(ReadAll(out / "slides") == "2");
  CHECK(ReadAll(out / "count") == "5");  // the broken slide's patch is not among the predictions

  // The same slide alone: its error, and no outputs.
  fs::remove_all(out);
  CHECK_THROWS_WITH(
      RunStep("predict", scratch.Args(broken, scratch.shards / "broken.ctpshard"), out),
      unreadable.c_str());
  CHECK_FALSE(fs::exists(out));
  fs::remove(broken);

  // A slide with no patches: no shard, or an empty one.
  fs::remove(scratch.shards / (kRight + ".ctpshard"));
  const fs::path right = scratch.slides / (kRight + ".tiff");
  const fs::path right_shard = scratch.shards / (kRight + ".ctpshard");
  CHECK_THROWS_WITH(
      RunStep("predict", scratch.Args(scratch.slides, scratch.shards), out),
      ("1 of 2 slides failed (the others' heatmaps are written): " + right.string() +
       ": no patches (" + right_shard.string() + " does not exist: tile the slide first)")
          .c_str());
  CHECK(fs::exists(out / "heatmaps" / (kLeft + ".heatmap.png")));
  CHECK_FALSE(fs::exists(out / "heatmaps" / (kRight + ".heatmap.png")));
  scratch.WriteShard(kRight, {});
  fs::remove(scratch.shards / (kLeft + ".ctpshard"));
  fs::remove_all(out);
  CHECK_THROWS_WITH(RunStep("predict", scratch.Args(scratch.slides, scratch.shards), out),
                    ("2 of 2 slides failed: " + (scratch.slides / (kLeft + ".tiff")).string() +
                     ": no patches (" + (scratch.shards / (kLeft + ".ctpshard")).string() +
                     " does not exist: tile the slide first); " + right.string() +
                     ": no patches (" + right_shard.string() + " holds none)")
                        .c_str());
  CHECK_FALSE(fs::exists(out));
}
