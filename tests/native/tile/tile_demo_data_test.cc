// The demo's bundled data (scripts/data, used by scripts/train.lua and `make demo`) tiled with the
// demo's arguments: the patch counts per split and label recorded in scripts/data/SOURCES.md, and
// classes balanced enough to learn.
#include <doctest/doctest.h>

#include "tile_test_support.h"

namespace ctp::testing {
namespace {

/// Number of patches per label ("positive", "negative", "none") in a metadata file.
std::map<std::string, int> LabelCounts(const fs::path& metadata) {
  std::map<std::string, int> counts;
  const nlohmann::json json = ReadJson(metadata);
  for (const auto& patch : json["patches"]) ++counts[patch["label"].get<std::string>()];
  return counts;
}

}  // namespace

TEST_CASE("tile: the demo data gives the recorded, balanced patch counts") {
  ScratchRoot data("demo-data");
  const fs::path demo = SourcePath("scripts/data");
  for (const char* split : {"train", "test"}) {
    fs::create_directories(data.root / "slide" / split);
    for (const auto& entry : fs::directory_iterator(demo / "slide" / split))
      fs::create_symlink(entry.path(), data.root / "slide" / split / entry.path().filename());
  }
  fs::copy(demo / "region-annotation", data.root / "region-annotation",
           fs::copy_options::recursive);
  // The demo's arguments (scripts/data/SOURCES.md); JPEG here only to write the images faster.
  TileRun run = RunTile(data.root, {{"patch_size", "64"},
                                    {"stride", "24"},
                                    {"level", "0"},
                                    {"min_tissue", "0.5"},
                                    {"format", "jpeg"},
                                    {"threads", "2"}});
  REQUIRE(run.error == "");
  CHECK(run.slides == 2);
  const auto train = LabelCounts(data.root / "preprocess-metadata/CMU-1-Small-Region-right.json");
  const auto test = LabelCounts(data.root / "preprocess-metadata/CMU-1-Small-Region-left.json");
  CHECK(train == std::map<std::string, int>{{"negative", 447}, {"positive", 473}});
  CHECK(test == std::map<std::string, int>{{"negative", 418}, {"positive", 427}});
  for (const auto* counts : {&train, &test}) {  // neither class under 40 %
    const double positive = counts->at("positive"), negative = counts->at("negative");
    CHECK(positive / (positive + negative) > 0.4);
    CHECK(negative / (positive + negative) > 0.4);
  }
}

}  // namespace ctp::testing
