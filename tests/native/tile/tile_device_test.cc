// The tile step's --device: the choice is checked and reported, and on a machine with a GPU the
// CUDA kernels produce the same patches, labels and pixels as the CPU ones.
#include <doctest/doctest.h>

#include "patches/patch_shard.h"
#include "ctp/kernels/device.h"
#include "tile_test_support.h"

namespace ctp::testing {
namespace {

const std::string kPyramid = "tcga-cr-7395-01a-01-ts1.jpeg-pyramid";
const std::string kCmu = "CMU-1-Small-Region";

// Level 1, overlapping grid, labelled regions, mask image box-averaged (CMU has one level):
// every kernel the step uses runs.
std::map<std::string, std::string> DeviceArgs(const std::string& device) {
  return {{"device", device},         {"patch_size", "128"},    {"stride", "96"},
          {"format", "jpeg"},         {"mask_min_side", "700"}, {"threads", "2"},
          {"keep_unlabelled", "true"}};
}

}  // namespace

TEST_CASE("tile: --device is checked, and the one used is logged and in the summary") {
  ScratchRoot data("device");
  CHECK(RunTile(data.root, {{"device", "tpu"}}).error ==
        "tile: argument --device: expected one of auto, cpu, cuda, got 'tpu' (did you mean "
        "'cpu'?)");
  if (!kernels::CudaAvailable())
    CHECK(RunTile(data.root, {{"device", "cuda"}}).error ==
          std::string("argument --device: cuda: ") + kernels::CudaDeviceSummary());
  TileRun cpu = RunTile(data.root, {{"device", "cpu"}});
  CHECK(cpu.error == "");
  CHECK(cpu.summary["device"] == "cpu");
  CHECK(cpu.log.find("kernels on cpu") != std::string::npos);
  TileRun automatic = RunTile(data.root, {});
  CHECK(automatic.summary["device"] == (kernels::CudaAvailable() ? "cuda" : "cpu"));
}

TEST_CASE("tile: CUDA and CPU kernels give the same patches" *
          doctest::skip(!kernels::CudaAvailable())) {
  std::map<std::string, native::PatchShard> shards;
  std::map<std::string, nlohmann::json> metadata;
  for (const std::string device : {"cpu", "cuda"}) {
    ScratchRoot data("parity-" + device);
    data.AddSlide("slides/" + kCmu + ".svs", kCmu + ".svs");
    data.AddAnnotation("annotations/positive/" + kCmu + "/rectangle.geojson", "positive", kCmu);
    data.AddAnnotation("annotations/negative/" + kCmu + "/square-with-hole.geojson", "negative",
                       kCmu);
    TileRun run = RunTile(data.root, DeviceArgs(device));
    REQUIRE(run.error == "");
    CHECK(run.summary["device"] == device);
    shards[device] =
        native::ReadPatchShard(data.root / "slide-patch/train/shard" / (kCmu + ".ctpshard"));
    metadata[device] = ReadJson(data.root / "preprocess-metadata" / (kCmu + ".json"));
  }
  CHECK(metadata["cpu"]["mask"] == metadata["cuda"]["mask"]);
  CHECK(metadata["cpu"]["patches"] == metadata["cuda"]["patches"]);  // tissue fractions, labels
  REQUIRE(shards["cpu"].header.count > 0);
  CHECK(shards["cpu"].labels == shards["cuda"].labels);
  CHECK(shards["cpu"].coords == shards["cuda"].coords);
  CHECK(shards["cpu"].pixels == shards["cuda"].pixels);
}

}  // namespace ctp::testing
