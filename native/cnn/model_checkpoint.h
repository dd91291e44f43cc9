// Checkpoints: `<root>/<YYYYMMDD-HHMMSS>/{model.safetensors, model.json, metrics.json}`, written
// into a temporary folder that is renamed into place, so readers never see a partial checkpoint.
#pragma once

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ctp/kernels/cnn/sequential.h"
#include "data/dataset_batches.h"
#include "cnn/model_spec.h"
#include "formats/safetensors.h"

namespace ctp::native {

/// The largest input a model.json may declare: channels, and height or width in pixels.
inline constexpr int kMaxInputChannels = 64;
inline constexpr int kMaxInputSide = 8192;

/// Everything model.json records besides the weights.
struct ModelInfo {
  ModelSpec model;
  int channels = 1, height = 0, width = 0;  ///< input item shape
  std::vector<std::string> class_names;
  Normalization normalization;
  nlohmann::json training = nlohmann::json::object();  ///< the training arguments
  nlohmann::json metrics = nlohmann::json::object();   ///< final training metrics

  /// The model.json document (format "ctp-model", version 1).
  nlohmann::json ToJson() const;
  /// Parses model.json; `source` names the file in errors, and the field: missing, of the wrong
  /// type, an input dimension out of range, normalization not finite (std not above 0) or not one
  /// value per channel. Throws std::runtime_error.
  static ModelInfo FromJson(const nlohmann::json& json, const std::string& source);
};

/// A network built for `info` on the CPU (weights initialised from `seed`).
kernels::cnn::Sequential BuildNetwork(const ModelInfo& info, std::uint64_t seed,
                                      kernels::Device device = kernels::Device::kCpu);

/// One stored tensor of a network: its name and PyTorch shape, and the tensor.
struct TensorSlot {
  std::string name;
  std::vector<std::int64_t> shape;
  kernels::cnn::Tensor* tensor;
};

/// The network's parameters (in Sequential::parameters() order), then its buffers, as stored.
std::vector<TensorSlot> TensorSlots(const ModelInfo& info, const kernels::cnn::Sequential& network);

/// Copies the tensor `slot.name` of `file` into slot.tensor: it must be present, have slot.shape
/// and hold finite values only. Errors name `source` and the tensor ("SOURCE: missing tensor
/// 'NAME'", "... has another shape than SHAPE_SOURCE", "... holds NaN (element K)").
void LoadStoredTensor(const std::map<std::string, const NamedTensor*>& file,
                      const TensorSlot& slot, const std::string& source,
                      const std::string& shape_source);

/// The tensors of a decoded safetensors file by name.
std::map<std::string, const NamedTensor*> TensorsByName(const SafetensorsFile& file);

/// The network's parameters and buffers as named tensors (safetensors content, with metadata).
std::string EncodeWeights(const ModelInfo& info, const kernels::cnn::Sequential& network);

/// Loads named tensors into the network; every name must be present with its shape and hold
/// finite values only (a NaN or infinity is an error naming `source` and the tensor).
void DecodeWeights(const std::string& bytes, const std::string& source, const ModelInfo& info,
                   kernels::cnn::Sequential& network);

/// The optimiser's state file of a checkpoint folder (cnn/optimizer_state.h).
inline constexpr const char* kOptimizerStateFile = "optimizer.safetensors";

/// Writes a new checkpoint folder under `root` (named by the local time, "-2", "-3"... when
/// taken) and returns its path. `optimizer_state`, when not empty, is written beside the weights
/// as optimizer.safetensors.
std::filesystem::path SaveCheckpoint(const std::filesystem::path& root, const ModelInfo& info,
                                     const kernels::cnn::Sequential& network,
                                     const std::string& optimizer_state = "");

/// The bytes of a file; std::runtime_error "PATH: cannot open" when it cannot be read.
std::string ReadFileBytes(const std::filesystem::path& path);

/// A loaded checkpoint.
struct LoadedModel {
  ModelInfo info;
  kernels::cnn::Sequential network;
};

/// Reads model.json and model.safetensors from a checkpoint folder.
LoadedModel LoadCheckpoint(const std::filesystem::path& folder,
                           kernels::Device device = kernels::Device::kCpu);

}  // namespace ctp::native
