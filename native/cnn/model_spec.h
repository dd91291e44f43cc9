// A model as scripts describe it: a named preset or a JSON list of layers, resolved to the
// kernels' LayerSpec list, plus the PyTorch-like names of its stored tensors.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ctp/kernels/cnn/sequential.h"
#include "ctp/model/json_field.h"

namespace ctp::native {

/// An architecture: its layers as JSON (the stored form) and as kernel specs.
struct ModelSpec {
  std::string name;       ///< preset name, or "custom" for a layer list
  nlohmann::json layers;  ///< [{"type": "conv", "out": 32, "kernel": 3, "padding": 1}, ...]
  std::vector<kernels::cnn::LayerSpec> specs;
  std::string source = "--model";  ///< Where `layers` were read, for errors (or a model.json).
  std::string path;                ///< Their field there ("" or "model.layers").

  /// `layers` as a field of `source`, for errors naming it.
  JsonField LayersField() const { return JsonField(layers, source, path); }
};

/// Resolves `text`: a preset name (reference_cnn, small_cnn, small_resnet) or a JSON array of
/// layers; presets end in Linear(classes). Errors name "--model" (and the preset) and the field.
ModelSpec ResolveModel(const std::string& text, int classes);

/// Parses a JSON layer list (types: conv, batchnorm, relu, maxpool, gap, linear, dropout,
/// residual), each layer's fields within the kernels' limits (network_size.h). Throws
/// std::runtime_error naming the file and the field (an unknown one, missing, of the wrong type
/// or out of range).
std::vector<kernels::cnn::LayerSpec> ParseLayers(const JsonField& layers);

/// Checks, before anything is allocated, that `model` fits an input of channels x height x width
/// within the kernels' limits on parameters and activation bytes per item (MeasureNetwork).
/// Throws std::runtime_error naming the model's source and the layer's field.
void CheckModelSize(const ModelSpec& model, int channels, int height, int width);

/// The names of preset models, for error messages and docs.
std::vector<std::string> PresetNames();

/// A stored tensor's name and rank (linear weights are 2-D, vectors 1-D, conv weights 4-D).
struct TensorName {
  std::string name;
  int rank;
};

/// Names of Sequential::parameters() in order, e.g. "layers.0.weight", "layers.4.conv1.bias"
/// (PyTorch nn.Sequential-style indices; the residual block's parts are conv1, bn1, conv2, bn2).
std::vector<TensorName> ParameterNames(const std::vector<kernels::cnn::LayerSpec>& specs);
/// Names of Sequential::buffers() in order ("layers.1.running_mean", ...).
std::vector<TensorName> BufferNames(const std::vector<kernels::cnn::LayerSpec>& specs);

}  // namespace ctp::native
