#include "cnn/model_spec.h"

#include <fmt/format.h>

#include <stdexcept>

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

int IntField(const Json& layer, const char* field, int fallback, std::size_t index) {
  if (!layer.contains(field)) {
    if (fallback >= 0) return fallback;
    throw std::invalid_argument(fmt::format("model layer {} ({}): needs field '{}'", index,
                                            layer.value("type", "?"), field));
  }
  if (!layer[field].is_number_integer() || layer[field].get<int>() < 0)
    throw std::invalid_argument(
        fmt::format("model layer {}: field '{}' must be a non-negative "
                    "integer, got {}",
                    index, field, layer[field].dump()));
  return layer[field].get<int>();
}

LayerSpec ParseLayer(const Json& layer, std::size_t i) {
  if (!layer.is_object() || !layer.contains("type") || !layer["type"].is_string())
    throw std::invalid_argument(
        fmt::format("model layer {}: expected an object with a \"type\", "
                    "got {}",
                    i, layer.dump()));
  const std::string type = layer["type"];
  if (type == "conv")
    return LayerSpec::Conv(IntField(layer, "out", -1, i), IntField(layer, "kernel", 3, i),
                           IntField(layer, "stride", 1, i), IntField(layer, "padding", 0, i));
  if (type == "linear") return LayerSpec::Linear(IntField(layer, "out", -1, i));
  if (type == "maxpool")
    return LayerSpec::MaxPool(IntField(layer, "kernel", 2, i), IntField(layer, "stride", 2, i));
  if (type == "batchnorm") return LayerSpec::BatchNorm();
  if (type == "relu") return LayerSpec::Relu();
  if (type == "gap") return LayerSpec::GlobalAvgPool();
  if (type == "residual") return LayerSpec::ResidualBlock();
  if (type == "dropout") return LayerSpec::Dropout(layer.value("p", 0.5f));
  throw std::invalid_argument(fmt::format(
      "model layer {}: unknown type '{}' (conv, batchnorm, relu, maxpool, gap, linear, dropout, "
      "residual)",
      i, type));
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

std::vector<LayerSpec> ParseLayers(const Json& layers) {
  if (!layers.is_array() || layers.empty())
    throw std::invalid_argument("model: expected a non-empty JSON array of layers");
  std::vector<LayerSpec> specs;
  for (std::size_t i = 0; i < layers.size(); ++i) specs.push_back(ParseLayer(layers[i], i));
  return specs;
}

ModelSpec ResolveModel(const std::string& text, int classes) {
  ModelSpec model;
  Json preset = PresetLayers(text, classes);
  if (!preset.is_null()) {
    model.name = text;
    model.layers = std::move(preset);
  } else {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos || text[first] != '[')
      throw std::invalid_argument(
          fmt::format("model '{}': not a preset ({}) nor a JSON list of layers", text,
                      fmt::join(PresetNames(), ", ")));
    try {
      model.layers = Json::parse(text);
    } catch (const Json::exception& e) {
      throw std::invalid_argument(std::string("model: invalid JSON: ") + e.what());
    }
    model.name = "custom";
  }
  model.specs = ParseLayers(model.layers);
  return model;
}

std::vector<TensorName> ParameterNames(const std::vector<LayerSpec>& specs) {
  return Names(specs, false);
}

std::vector<TensorName> BufferNames(const std::vector<LayerSpec>& specs) {
  return Names(specs, true);
}

}  // namespace ctp::native
