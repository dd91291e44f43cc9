// A checkpoint that cannot be right is refused where a model is loaded (evaluate, predict, train's
// warm start), with the file and the tensor or field, and `ctp step` exits 1 writing no outputs:
// weights holding NaN or infinities, a layer past the limits, a network too big for its input.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "cnn/model_checkpoint.h"
#include "cnn/model_spec.h"
#include "formats/safetensors.h"
#include "native_step_runner.h"
#include "run_ctp.h"

namespace {

namespace fs = std::filesystem;
using ctp::native::ModelInfo;

/// A checkpoint of a tiny conv net for 1x8x8 images and 2 classes, and 4 IDX images to score.
struct Checkpoint {
  fs::path root = fs::temp_directory_path() / "ctp-model-load-errors";
  fs::path folder;
  Checkpoint() {
    fs::remove_all(root);
    ModelInfo info;
    info.model = ctp::native::ResolveModel(
        R"([{"type":"conv","out":2,"kernel":3,"padding":1},{"type":"gap"},{"type":"linear","out":2}])",
        2);
    info.height = info.width = 8;
    info.class_names = {"a", "b"};
    info.normalization = {{0.5f}, {0.25f}};
    folder =
        ctp::native::SaveCheckpoint(root / "checkpoints", info, ctp::native::BuildNetwork(info, 1));
    std::string images{'\0', '\0', '\x08', '\x03', 0, 0, 0, 4, 0, 0, 0, 8, 0, 0, 0, 8};
    images.append(4 * 64, '\x40');
    std::string labels{'\0', '\0', '\x08', '\x01', 0, 0, 0, 4, 0, 1, 0, 1};
    fs::create_directories(root / "data");
    std::ofstream(root / "data/t10k-images-idx3-ubyte", std::ios::binary) << images;
    std::ofstream(root / "data/t10k-labels-idx1-ubyte", std::ios::binary) << labels;
  }
  ~Checkpoint() { fs::remove_all(root); }

  /// Sets element `index` of tensor `name` in model.safetensors to `value`.
  void SetWeight(const std::string& name, std::size_t index, float value) const {
    const fs::path path = folder / "model.safetensors";
    std::ifstream in(path, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), {});
    ctp::native::SafetensorsFile file = ctp::native::DecodeSafetensors(bytes, path.string());
    for (ctp::native::NamedTensor& tensor : file.tensors)
      if (tensor.name == name) tensor.values.at(index) = value;
    std::ofstream(path, std::ios::binary | std::ios::trunc) << ctp::native::EncodeSafetensors(file);
  }

  /// Replaces the value at JSON pointer `pointer` of model.json.
  void SetModelJson(const std::string& pointer, const nlohmann::json& value) const {
    std::ifstream in(folder / "model.json");
    nlohmann::json json = nlohmann::json::parse(in);
    json[nlohmann::json::json_pointer(pointer)] = value;
    std::ofstream(folder / "model.json", std::ios::trunc) << json.dump(2);
  }

  /// `ctp step evaluate` on this checkpoint, outputs into root/outputs.
  ctp::testing::CommandResult Evaluate() const {
    return ctp::testing::RunCtp("step evaluate --checkpoint '" + folder.string() + "' --data '" +
                                (root / "data").string() + "' --device cpu --output-dir '" +
                                (root / "outputs").string() + "'");
  }
};

}  // namespace

TEST_CASE("model loading: NaN or infinite weights are refused, naming the file and the tensor") {
  const Checkpoint checkpoint;
  REQUIRE(checkpoint.Evaluate().exit_code == 0);  // the checkpoint as saved is fine
  fs::remove_all(checkpoint.root / "outputs");

  const std::string weights = (checkpoint.folder / "model.safetensors").string();
  checkpoint.SetWeight("layers.0.weight", 5, std::numeric_limits<float>::quiet_NaN());
  const ctp::testing::CommandResult result = checkpoint.Evaluate();
  CHECK(result.exit_code == 1);
  CHECK(result.err ==
        "ctp step: error: " + weights + ": tensor 'layers.0.weight' holds NaN (element 5)\n");
  CHECK_FALSE(fs::exists(checkpoint.root / "outputs"));  // no metrics of a meaningless model

  checkpoint.SetWeight("layers.0.weight", 5, 0.5f);
  checkpoint.SetWeight("layers.2.bias", 1, -std::numeric_limits<float>::infinity());
  CHECK_THROWS_WITH(ctp::native::LoadCheckpoint(checkpoint.folder),
                    (weights + ": tensor 'layers.2.bias' holds -inf (element 1)").c_str());
  // Train's warm start loads it the same way.
  CHECK_THROWS_WITH(ctp::testing::RunStep("train",
                                          {{"data", (checkpoint.root / "data").string()},
                                           {"split", "t10k"},
                                           {"warm_start", checkpoint.folder.string()},
                                           {"checkpoint_root", (checkpoint.root / "new").string()},
                                           {"epochs", "1"},
                                           {"device", "cpu"}},
                                          checkpoint.root / "train-outputs"),
                    (weights + ": tensor 'layers.2.bias' holds -inf (element 1)").c_str());
  CHECK_FALSE(fs::exists(checkpoint.root / "new"));
}

TEST_CASE("model loading: a layer past the limits is refused before anything is allocated") {
  const Checkpoint checkpoint;
  const std::string json = (checkpoint.folder / "model.json").string();
  checkpoint.SetModelJson("/model/layers/0/out", 100000000);
  const ctp::testing::CommandResult result = checkpoint.Evaluate();
  CHECK(result.exit_code == 1);
  CHECK(result.err == "ctp step: error: " + json +
                          ": field 'model.layers[0].out' must be a whole number from 1 to 65536, "
                          "got 100000000\n");
  CHECK_FALSE(fs::exists(checkpoint.root / "outputs"));

  // In range, but 65,536 channels of 8,192 x 8,192 pixels per item.
  checkpoint.SetModelJson("/model/layers/0/out", 65536);
  checkpoint.SetModelJson("/input", {{"channels", 1}, {"height", 8192}, {"width", 8192}});
  CHECK_THROWS_WITH(ctp::native::LoadCheckpoint(checkpoint.folder),
                    (json + ": field 'model.layers[0]' (conv): the activation bytes per input item "
                            "reach 17592454479872 here, above the limit of 2147483648")
                        .c_str());
}
