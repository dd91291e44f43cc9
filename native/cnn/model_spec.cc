#include "cnn/model_spec.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <stdexcept>

#include "ctp/kernels/cnn/network_size.h"

namespace ctp::native {
namespace {

using kernels::cnn::LayerSpec;
using Json = nlohmann::json;

Json Conv(int out, int kernel = 3, int padding = 1) {
  return {{"type", "conv"}, {"out", out}, {"kernel", kernel}, {"stride", 1}, {"padding", padding}};
}
Json Simple(const char* type) { return {{"type", type}}; }
Json Pool() { return {{"type", "maxpool"}, {"kernel", 2}, {"stride", 2}}; }
Json Linear(int out) { return {{"type", "linear"}, {"out", out}}; }

Json PresetLayers(const std::string& name, int classes) {
  if (name == "reference_cnn")  // docs/notes/cnn.md: 421,642 parameters for 28×28×1, 10 classes
    return Json::array({Conv(32), Simple("relu"), Pool(), Conv(64), Simple("relu"), Pool(),
                        Linear(128), Simple("relu"), Linear(classes)});
  if (name == "small_cnn")
    return Json::array({Conv(16), Simple("batchnorm"), Simple("relu"), Pool(), Conv(32),
                        Simple("batchnorm"), Simple("relu"), Pool(), Simple("gap"),
                        Linear(classes)});
  if (name == "small_resnet")
    return Json::array({Conv(16), Simple("batchnorm"), Simple("relu"), Simple("residual"), Pool(),
                        Conv(32), Simple("batchnorm"), Simple("relu"), Simple("residual"),
                        Simple("gap"), Linear(classes)});
  return nullptr;
}

// The fields each layer type may have besides "type".
const std::map<std::string, std::vector<std::string>>& LayerFields() {
  static const std::map<std::string, std::vector<std::string>> fields = {
      {"conv", {"out", "kernel", "stride", "padding"}},
      {"batchnorm", {}},
      {"relu", {}},
      {"maxpool", {"kernel", "stride"}},
      {"gap", {}},
      {"linear", {"out"}},
      {"dropout", {"p"}},
      {"residual", {}}};
  return fields;
}

// A whole-number field from `least` to `most`; `fallback` when absent (none: required).
int WholeField(const JsonField& layer, const char* key, std::optional<int> fallback, int least,
               int most) {
  const std::optional<JsonField> field = layer.Find(key);
  if (!field && fallback) return *fallback;
  return (field ? *field : layer[key]).Get<int>(least, most);
}

LayerSpec ParseLayer(const JsonField& layer) {
  using kernels::cnn::kMaxLayerOutputs;
  using kernels::cnn::kMaxLayerWindow;
  const JsonField type_field = layer["type"];
  const std::string type = type_field.Get<std::string>();
  const auto fields = LayerFields().find(type);
  if (fields == LayerFields().end()) {
    std::vector<std::string> types;
    for (const auto& [name, allowed] : LayerFields()) types.push_back(name);
    type_field.Fail(
        fmt::format("must be one of {}, got {}", fmt::join(types, ", "), type_field.Shown()));
  }
  for (const auto& [key, value] : layer.Members())
    if (key != "type" &&
        std::find(fields->second.begin(), fields->second.end(), key) == fields->second.end())
      value.Fail(fmt::format("is not a field of a {} layer{}", type,
                             fields->second.empty()
                                 ? std::string(" (it has none)")
                                 : fmt::format(" ({})", fmt::join(fields->second, ", "))));
  if (type == "conv")
    return LayerSpec::Conv(WholeField(layer, "out", std::nullopt, 1, kMaxLayerOutputs),
                           WholeField(layer, "kernel", 3, 1, kMaxLayerWindow),
                           WholeField(layer, "stride", 1, 1, kMaxLayerWindow),
                           WholeField(layer, "padding", 0, 0, kMaxLayerWindow));
  if (type == "linear")
    return LayerSpec::Linear(WholeField(layer, "out", std::nullopt, 1, kMaxLayerOutputs));
  if (type == "maxpool")
    return LayerSpec::MaxPool(WholeField(layer, "kernel", 2, 1, kMaxLayerWindow),
                              WholeField(layer, "stride", 2, 1, kMaxLayerWindow));
  if (type == "batchnorm") return LayerSpec::BatchNorm();
  if (type == "relu") return LayerSpec::Relu();
  if (type == "gap") return LayerSpec::GlobalAvgPool();
  if (type == "residual") return LayerSpec::ResidualBlock();
  double p = 0.5;  // dropout
  if (const std::optional<JsonField> field = layer.Find("p")) {
    p = field->Get<double>();
    if (!(p >= 0 && p < 1))
      field->Fail("must be a number from 0 up to but not including 1, got " + field->Shown());
  }
  return LayerSpec::Dropout(static_cast<float>(p));
}

/// Appends the names of one layer's tensors: parameters (buffers = false) or BN buffers.
void AppendNames(const LayerSpec& spec, const std::string& prefix, bool buffers,
                 std::vector<TensorName>& out) {
  using Kind = LayerSpec::Kind;
  switch (spec.kind) {
    case Kind::kConv:
    case Kind::kLinear:
      if (!buffers) {
        out.push_back({prefix + "weight", spec.kind == Kind::kConv ? 4 : 2});
        out.push_back({prefix + "bias", 1});
      }
      break;
    case Kind::kBatchNorm:
      if (buffers) {
        out.push_back({prefix + "running_mean", 1});
        out.push_back({prefix + "running_var", 1});
      } else {
        out.push_back({prefix + "weight", 1});
        out.push_back({prefix + "bias", 1});
      }
      break;
    case Kind::kResidualBlock:
      for (const char* part : {"conv1", "bn1", "conv2", "bn2"}) {
        const bool conv = part[0] == 'c';
        AppendNames(conv ? LayerSpec::Conv(1, 3) : LayerSpec::BatchNorm(), prefix + part + ".",
                    buffers, out);
      }
      break;
    default:
      break;
  }
}

std::vector<TensorName> Names(const std::vector<LayerSpec>& specs, bool buffers) {
  std::vector<TensorName> names;
  for (std::size_t i = 0; i < specs.size(); ++i)
    AppendNames(specs[i], fmt::format("layers.{}.", i), buffers, names);
  return names;
}

}  // namespace

std::vector<std::string> PresetNames() { return {"reference_cnn", "small_cnn", "small_resnet"}; }

std::vector<LayerSpec> ParseLayers(const JsonField& layers) {
  std::vector<LayerSpec> specs;
  for (const JsonField& layer : layers.Elements()) specs.push_back(ParseLayer(layer));
  if (specs.empty()) layers.Fail("must hold at least one layer");
  return specs;
}

void CheckModelSize(const ModelSpec& model, int channels, int height, int width) {
  try {
    kernels::cnn::MeasureNetwork({1, channels, height, width}, model.specs);
  } catch (const kernels::cnn::NetworkError& e) {
    if (e.layer() < 0) throw std::runtime_error(model.source + ": " + e.what());
    const JsonField layers = model.LayersField();
    layers[static_cast<std::size_t>(e.layer())].Fail(fmt::format(
        "({}): {}", kernels::cnn::LayerKindName(model.specs[e.layer()].kind), e.reason()));
  }
}

ModelSpec ResolveModel(const std::string& text, int classes) {
  ModelSpec model;
  Json preset = PresetLayers(text, classes);
  if (!preset.is_null()) {
    model.name = text;
    model.layers = std::move(preset);
    model.source = "--model " + text;
  } else {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos || text[first] != '[')
      throw std::invalid_argument(
          fmt::format("model '{}': not a preset ({}) nor a JSON list of layers", text,
                      fmt::join(PresetNames(), ", ")));
    try {
      model.layers = Json::parse(text);
    } catch (const Json::exception& e) {
      throw std::invalid_argument(std::string("--model: invalid JSON: ") + e.what());
    }
    model.name = "custom";
  }
  model.specs = ParseLayers(model.LayersField());
  return model;
}

std::vector<TensorName> ParameterNames(const std::vector<LayerSpec>& specs) {
  return Names(specs, false);
}

std::vector<TensorName> BufferNames(const std::vector<LayerSpec>& specs) {
  return Names(specs, true);
}

}  // namespace ctp::native
