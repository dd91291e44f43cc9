#include <doctest/doctest.h>

#include <filesystem>

#include "cnn/model_checkpoint.h"
#include "cnn/model_spec.h"

namespace {

using ctp::native::ModelInfo;
namespace fs = std::filesystem;

ModelInfo Info(const std::string& model, int channels, int size) {
  ModelInfo info;
  info.model = ctp::native::ResolveModel(model, 3);
  info.channels = channels;
  info.height = info.width = size;
  info.class_names = {"a", "b", "c"};
  info.normalization = {std::vector<float>(channels, 0.25f), std::vector<float>(channels, 0.5f)};
  info.training = {{"epochs", "2"}};
  info.metrics = {{"train_loss", 0.5}};
  return info;
}

}  // namespace

TEST_CASE("model presets: reference_cnn has the torch reference's parameter count") {
  ModelInfo info = Info("reference_cnn", 1, 28);
  info.model = ctp::native::ResolveModel("reference_cnn", 10);
  CHECK(ctp::native::BuildNetwork(info, 0).ParameterCount() == 421642);
  const auto names = ctp::native::ParameterNames(info.model.specs);
  REQUIRE(names.size() == 8);
  CHECK(names[0].name == "layers.0.weight");
  CHECK(names[2].name == "layers.3.weight");
  CHECK(names[7].name == "layers.8.bias");
  CHECK(names[4].rank == 2);
  for (const std::string& preset : ctp::native::PresetNames())
    CHECK_NOTHROW(ctp::native::BuildNetwork(Info(preset, 3, 16), 1));
}

TEST_CASE("model layers: JSON errors name the layer and field") {
  CHECK_THROWS_WITH(ctp::native::ResolveModel(R"([{"type":"conv"}])", 2),
                    "--model: field '[0].out' is missing");
  CHECK_THROWS_WITH(ctp::native::ResolveModel(R"([{"type":"relu"},{"type":"pool"}])", 2),
                    "--model: field '[1].type' must be one of batchnorm, conv, dropout, gap, "
                    "linear, maxpool, relu, residual, got \"pool\"");
  CHECK_THROWS_WITH(ctp::native::ResolveModel(R"([{"type":"conv","out":8,"kernal":5}])", 2),
                    "--model: field '[0].kernal' is not a field of a conv layer (out, kernel, "
                    "stride, padding)");
  CHECK_THROWS_WITH(ctp::native::ResolveModel(R"([{"type":"relu","out":8}])", 2),
                    "--model: field '[0].out' is not a field of a relu layer (it has none)");
  CHECK_THROWS_WITH(ctp::native::ResolveModel(R"([{"type":"conv","out":100000000}])", 2),
                    "--model: field '[0].out' must be a whole number from 1 to 65536, got "
                    "100000000");
  CHECK_THROWS_WITH(ctp::native::ResolveModel(R"([{"type":"maxpool","stride":0}])", 2),
                    "--model: field '[0].stride' must be a whole number from 1 to 256, got 0");
  CHECK_THROWS_WITH(ctp::native::ResolveModel(R"([{"type":"dropout","p":1}])", 2),
                    "--model: field '[0].p' must be a number from 0 up to but not including 1, "
                    "got 1");
  CHECK_THROWS_WITH(ctp::native::ResolveModel(R"([{"type":"linear","out":"2"}])", 2),
                    "--model: field '[0].out' must be a whole number from 1 to 65536, got \"2\"");
  CHECK_THROWS_WITH(ctp::native::ResolveModel("[]", 2),
                    "--model: the document must hold at least one layer");
  // Sizes that only the input decides are checked before anything is allocated.
  const ctp::native::ModelSpec small = ctp::native::ResolveModel("small_cnn", 2);
  CHECK_NOTHROW(ctp::native::CheckModelSize(small, 3, 2048, 2048));
  CHECK_THROWS_WITH(ctp::native::CheckModelSize(small, 3, 4096, 4096),
                    "--model small_cnn: field '[1]' (batchnorm): the activation bytes per input "
                    "item reach 2348810240 here, above the limit of 2147483648");
  CHECK_THROWS_WITH(ctp::native::ResolveModel("resnet50", 2),
                    "model 'resnet50': not a preset (reference_cnn, small_cnn, small_resnet) nor "
                    "a JSON list of layers");
}

TEST_CASE("model.json round trip") {
  const ModelInfo info = Info("small_resnet", 3, 16);
  const ModelInfo back = ModelInfo::FromJson(info.ToJson(), "model.json");
  CHECK(back.ToJson() == info.ToJson());
  CHECK(back.model.specs.size() == info.model.specs.size());
  auto bad = info.ToJson();
  bad.erase("input");
  CHECK_THROWS_WITH(ModelInfo::FromJson(bad, "m/model.json"),
                    "m/model.json: field 'input' is missing");
}

TEST_CASE("model.json: a wrong type, a size out of range or a bad normalization names the field") {
  const ModelInfo info = Info("small_cnn", 3, 16);
  auto with = [&](const std::string& pointer, const nlohmann::json& value) {
    nlohmann::json json = info.ToJson();
    json[nlohmann::json::json_pointer(pointer)] = value;
    try {
      ModelInfo::FromJson(json, "m/model.json");
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(with("/input/height", "28") == "m/model.json: field 'input.height' must be a whole number "
                                       "from 1 to 8192, got \"28\"");
  CHECK(with("/input/width", 1000000) == "m/model.json: field 'input.width' must be a whole "
                                         "number from 1 to 8192, got 1000000");
  CHECK(with("/class_names", "cat") ==
        "m/model.json: field 'class_names' must be an array, got \"cat\"");
  CHECK(with("/normalization/std", nlohmann::json::array({0.5, 0.0, 0.5})) ==
        "m/model.json: field 'normalization.std' must hold finite numbers above 0, got 0.0");
  CHECK(with("/normalization/mean", nlohmann::json::array({0.5})) ==
        "m/model.json: field 'normalization.mean' needs 3 values (one per input channel), got 1");
  CHECK(with("/model/name", 7) == "m/model.json: field 'model.name' must be a string, got 7");
  CHECK(with("/model/layers/0/out", 100000000) ==
        "m/model.json: field 'model.layers[0].out' must be a whole number from 1 to 65536, got "
        "100000000");
  CHECK(with("/model/layers/0/kernel", -3) ==
        "m/model.json: field 'model.layers[0].kernel' must be a whole number from 1 to 256, got "
        "-3");
  // The whole network against the kernels' limits, at load time: 64x64x64 inputs into 2,048
  // features are 536,872,960 parameters.
  nlohmann::json huge = info.ToJson();
  huge["model"]["layers"] = nlohmann::json::parse(R"([{"type":"linear","out":2048}])");
  huge["input"] = {{"channels", 64}, {"height", 64}, {"width", 64}};
  CHECK_THROWS_WITH(ModelInfo::FromJson(huge, "m/model.json"),
                    "m/model.json: field 'model.layers[0]' (linear): the parameters reach "
                    "536872960 here, above the limit of 268435456");
}

TEST_CASE("checkpoint: save then load gives the same weights, buffers and outputs") {
  const fs::path root = fs::temp_directory_path() / "ctp-model-test";
  fs::remove_all(root);
  const ModelInfo info = Info("small_resnet", 3, 8);
  auto network = ctp::native::BuildNetwork(info, 7);
  ctp::kernels::cnn::Tensor x({2, 3, 8, 8});
  std::vector<float> values(x.size());
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = float(i % 13) / 13.0f - 0.5f;
  x.CopyFromHost(values);
  ctp::kernels::cnn::Tensor labels = ctp::kernels::cnn::Tensor::FromHost({2, 1, 1, 1}, {{0, 2}});
  network.ForwardBackward(x, labels);  // moves the BN running statistics
  network.SgdStep({}, 0.1f);
  const fs::path first = ctp::native::SaveCheckpoint(root, info, network);
  const fs::path second = ctp::native::SaveCheckpoint(root, info, network);
  CHECK(first != second);  // same second: "-2" suffix
  int entries = 0;
  for (const auto& entry : fs::directory_iterator(root)) {
    CHECK(entry.path().filename().string()[0] != '.');  // no temporary folder left
    ++entries;
  }
  CHECK(entries == 2);
  ctp::native::LoadedModel loaded = ctp::native::LoadCheckpoint(first);
  CHECK(loaded.info.ToJson() == info.ToJson());
  REQUIRE(loaded.network.buffers().size() == network.buffers().size());
  for (std::size_t i = 0; i < network.buffers().size(); ++i)
    CHECK(loaded.network.buffers()[i]->ToHost() == network.buffers()[i]->ToHost());
  CHECK(loaded.network.Forward(x, false).ToHost() == network.Forward(x, false).ToHost());
  fs::remove_all(root);
}
