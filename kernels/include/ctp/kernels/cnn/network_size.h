// What a layer list makes of one input item, checked before a Sequential allocates anything:
// every layer's geometry, the parameter count and the activation bytes per item, in 64-bit
// arithmetic against the limits below (a model file with a huge layer is an error naming the
// layer, not a signed overflow, std::bad_alloc or the OOM killer).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "ctp/kernels/cnn/sequential.h"

namespace ctp::kernels::cnn {

/// The most output channels of a conv layer, or output features of a linear layer.
inline constexpr int kMaxLayerOutputs = 65536;
/// The largest kernel, stride and padding of a conv or max-pool layer.
inline constexpr int kMaxLayerWindow = 256;
/// The most learned scalars of a network: 2^28 (1 GiB of float32 weights; training keeps three
/// more copies: gradients and optimiser moments). ResNet-18 has 11.7 million.
inline constexpr std::int64_t kMaxParameters = std::int64_t{1} << 28;
/// The most activation bytes per input item: the input and every layer's outputs as float32,
/// 2 GiB (a ResNet-18-shaped network at 224x224 needs 34 MB; small_cnn at 2048x2048 1.36 GB).
inline constexpr std::int64_t kMaxActivationBytesPerItem = std::int64_t{1} << 31;

/// The sizes MeasureNetwork found.
struct NetworkSize {
  std::int64_t parameters = 0;                 ///< Learned scalars.
  std::int64_t activation_bytes_per_item = 0;  ///< The input and all layer outputs, float32.
  Shape output;                                ///< One item's output shape.
};

/// Why a layer list cannot be built: the layer at fault (-1: the input or the network as a
/// whole) and the reason. what() is "layer I (KIND): REASON", or REASON for the whole network.
class NetworkError : public std::invalid_argument {
 public:
  NetworkError(int layer, const std::string& kind, const std::string& reason);
  /// The index of the layer at fault, or -1.
  int layer() const { return layer_; }
  /// The reason alone ("kernel 5 is larger than the padded input 3x3").
  const std::string& reason() const { return reason_; }

 private:
  int layer_;
  std::string reason_;
};

/// The layer kind as model files name it ("conv", "linear", "maxpool", ...).
const char* LayerKindName(LayerSpec::Kind kind);

/// Checks `layers` on one item of shape `item` ({n, C, H, W}; n is ignored): each layer's sizes
/// within the limits above and fitting its input, the parameter count and the activation bytes
/// per item. Throws NetworkError.
NetworkSize MeasureNetwork(Shape item, const std::vector<LayerSpec>& layers);

}  // namespace ctp::kernels::cnn
