#include "cnn/model_checkpoint.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "ctp/base/atomic_file.h"
#include "ctp/base/temporary_entries.h"

namespace ctp::native {
namespace fs = std::filesystem;
namespace {

using kernels::cnn::Sequential;
using kernels::cnn::Shape;
using kernels::cnn::Tensor;
using Json = nlohmann::json;

std::string LocalTimestamp() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm local{};
  localtime_r(&now, &local);
  char text[32];
  std::strftime(text, sizeof(text), "%Y%m%d-%H%M%S", &local);
  return text;
}

}  // namespace

Json ModelInfo::ToJson() const {
  return {{"format", "ctp-model"},
          {"version", 1},
          {"model", {{"name", model.name}, {"layers", model.layers}}},
          {"input", {{"channels", channels}, {"height", height}, {"width", width}}},
          {"class_names", class_names},
          {"normalization",
           {{"mean", normalization.mean},
            {"std", normalization.std},
            {"rule", "(x / 255 - mean) / std per channel"}}},
          {"weights", "model.safetensors"},
          {"training", training},
          {"metrics", metrics}};
}

namespace {

// Normalization values: one finite number per channel; a std must also be above 0.
std::vector<float> PerChannel(const JsonField& field, int channels, bool positive) {
  const std::vector<float> values = field.Get<std::vector<float>>();
  if (values.size() != static_cast<std::size_t>(channels))
    field.Fail("needs " + std::to_string(channels) + " values (one per input channel), got " +
               std::to_string(values.size()));
  for (float value : values)
    if (!std::isfinite(value) || (positive && value <= 0))
      field.Fail(std::string("must hold finite numbers") + (positive ? " above 0" : "") + ", got " +
                 Json(value).dump());
  return values;
}

}  // namespace

ModelInfo ModelInfo::FromJson(const Json& json, const std::string& source) {
  if (!json.is_object() || json.value("format", Json()) != "ctp-model" ||
      json.value("version", Json()) != 1)
    throw std::runtime_error(source + ": not a ctp model.json (format ctp-model, version 1)");
  const JsonField root(json, source);
  ModelInfo info;
  info.model.name = root["model"]["name"].Get<std::string>();
  info.model.layers = root["model"]["layers"].Get<Json>();
  info.model.source = source;
  info.model.path = "model.layers";
  info.model.specs = ParseLayers(info.model.LayersField());
  const JsonField input = root["input"];
  info.channels = input["channels"].Get<int>(1, kMaxInputChannels);
  info.height = input["height"].Get<int>(1, kMaxInputSide);
  info.width = input["width"].Get<int>(1, kMaxInputSide);
  CheckModelSize(info.model, info.channels, info.height, info.width);
  info.class_names = root["class_names"].Get<std::vector<std::string>>();
  if (info.class_names.empty()) root["class_names"].Fail("is empty");
  info.normalization.mean = PerChannel(root["normalization"]["mean"], info.channels, false);
  info.normalization.std = PerChannel(root["normalization"]["std"], info.channels, true);
  info.training = root.Value<Json>("training", Json::object());
  info.metrics = root.Value<Json>("metrics", Json::object());
  return info;
}

Sequential BuildNetwork(const ModelInfo& info, std::uint64_t seed, kernels::Device device) {
  return Sequential({1, info.channels, info.height, info.width}, info.model.specs, device, seed);
}

std::string EncodeWeights(const ModelInfo& info, const Sequential& network) {
  SafetensorsFile file;
  for (const TensorSlot& slot : TensorSlots(info, network))
    file.tensors.push_back({slot.name, slot.shape, slot.tensor->ToHost()});
  file.metadata = {{"format", "pt"}, {"producer", "ctp"}, {"model", info.model.name}};
  return EncodeSafetensors(file);
}

std::vector<TensorSlot> TensorSlots(const ModelInfo& info, const Sequential& network) {
  std::vector<TensorName> names = ParameterNames(info.model.specs);
  std::vector<TensorName> buffers = BufferNames(info.model.specs);
  std::vector<Tensor*> tensors;
  for (auto* p : network.parameters()) tensors.push_back(&p->value);
  for (Tensor* b : network.buffers()) tensors.push_back(b);
  names.insert(names.end(), buffers.begin(), buffers.end());
  if (names.size() != tensors.size())
    throw std::logic_error("model: tensor names do not match the network's tensors");
  std::vector<TensorSlot> slots;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const Shape& s = tensors[i]->shape();
    const std::vector<std::int64_t> full{s.n, s.c, s.h, s.w};
    slots.push_back({names[i].name, {full.begin(), full.begin() + names[i].rank}, tensors[i]});
  }
  return slots;
}

std::map<std::string, const NamedTensor*> TensorsByName(const SafetensorsFile& file) {
  std::map<std::string, const NamedTensor*> by_name;
  for (const NamedTensor& t : file.tensors) by_name[t.name] = &t;
  return by_name;
}

void LoadStoredTensor(const std::map<std::string, const NamedTensor*>& file,
                      const TensorSlot& slot, const std::string& source,
                      const std::string& shape_source) {
  auto found = file.find(slot.name);
  if (found == file.end())
    throw std::runtime_error(source + ": missing tensor '" + slot.name + "'");
  if (found->second->shape != slot.shape)
    throw std::runtime_error(source + ": tensor '" + slot.name + "' has another shape than " +
                             shape_source);
  const std::vector<float>& values = found->second->values;
  const auto bad = std::find_if(values.begin(), values.end(),
                                [](float value) { return !std::isfinite(value); });
  if (bad != values.end()) {
    const char* what = std::isnan(*bad) ? "NaN" : *bad > 0 ? "inf" : "-inf";
    throw std::runtime_error(source + ": tensor '" + slot.name + "' holds " + what +
                             " (element " + std::to_string(bad - values.begin()) + ")");
  }
  slot.tensor->CopyFromHost(values);
}

void DecodeWeights(const std::string& bytes, const std::string& source, const ModelInfo& info,
                   Sequential& network) {
  const SafetensorsFile file = DecodeSafetensors(bytes, source);
  const std::map<std::string, const NamedTensor*> by_name = TensorsByName(file);
  for (const TensorSlot& slot : TensorSlots(info, network))
    LoadStoredTensor(by_name, slot, source, "the model in model.json");
}

std::string ReadFileBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path.string() + ": cannot open");
  return std::string(std::istreambuf_iterator<char>(in), {});
}

fs::path SaveCheckpoint(const fs::path& root, const ModelInfo& info, const Sequential& network,
                        const std::string& optimizer_state) {
  fs::create_directories(root);
  const std::string stamp = LocalTimestamp();
  fs::path final_path = root / stamp;
  for (int n = 2; fs::exists(final_path); ++n)
    final_path = root / (stamp + "-" + std::to_string(n));
  const fs::path temporary = base::TemporaryFolderFor(final_path);
  fs::remove_all(temporary);
  try {
    base::WriteFileAtomically(temporary / "model.safetensors", EncodeWeights(info, network));
    if (!optimizer_state.empty())
      base::WriteFileAtomically(temporary / kOptimizerStateFile, optimizer_state);
    base::WriteFileAtomically(temporary / "model.json", info.ToJson().dump(2) + "\n");
    base::WriteFileAtomically(temporary / "metrics.json", info.metrics.dump(2) + "\n");
    fs::rename(temporary, final_path);
  } catch (...) {
    std::error_code ignored;
    fs::remove_all(temporary, ignored);
    throw;
  }
  return final_path;
}

LoadedModel LoadCheckpoint(const fs::path& folder, kernels::Device device) {
  const fs::path json_path = folder / "model.json";
  Json json;
  try {
    json = Json::parse(ReadFileBytes(json_path));
  } catch (const Json::exception& e) {
    throw std::runtime_error(json_path.string() + ": invalid JSON: " + e.what());
  }
  ModelInfo info = ModelInfo::FromJson(json, json_path.string());
  Sequential network = BuildNetwork(info, 0, device);
  const fs::path weights = folder / "model.safetensors";
  DecodeWeights(ReadFileBytes(weights), weights.string(), info, network);
  return {std::move(info), std::move(network)};
}

}  // namespace ctp::native
