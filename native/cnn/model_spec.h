// A model as scripts describe it: a named preset or a JSON list of layers, resolved to the
// kernels' LayerSpec list, plus the PyTorch-like names of its stored tensors.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ctp/kernels/cnn/sequential.h"

namespace ctp::native {

/// An architecture: its layers as JSON (the stored form) and as kernel specs.
struct ModelSpec {
  std::string name;       ///< preset name, or "custom" for a layer list
  nlohmann::json layers;  ///< [{"type": "conv", "out": 32, "kernel": 3, "padding": 1}, ...]
  std::vector<kernels::cnn::LayerSpec> specs;
};

/// Resolves `text`: a preset name (reference_cnn, small_cnn, small_resnet) or a JSON array of
/// layers; presets end in Linear(classes). Throws std::invalid_argument naming the problem.
ModelSpec ResolveModel(const std::string& text, int classes);

/// Parses a JSON layer list (types: conv, batchnorm, relu, maxpool, gap, linear, dropout,
/// residual). Throws std::invalid_argument naming the layer index and the bad field.
std::vector<kernels::cnn::LayerSpec> ParseLayers(const nlohmann::json& layers);

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
