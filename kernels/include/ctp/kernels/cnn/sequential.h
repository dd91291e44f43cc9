// A small feed-forward network described as a list of layer specs, built from the CNN ops:
// forward, backward (softmax cross-entropy loss) and an optimiser step over one batch.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "ctp/kernels/cnn/optimizer.h"
#include "ctp/kernels/cnn/tensor.h"

namespace ctp::kernels::cnn {

/// One layer of a Sequential. Conv and Linear carry a bias; ResidualBlock is
/// conv3×3 → BN → ReLU → conv3×3 → BN, plus the identity, then ReLU (channels kept).
struct LayerSpec {
  enum class Kind {
    kConv,
    kBatchNorm,
    kRelu,
    kMaxPool,
    kGlobalAvgPool,
    kLinear,
    kDropout,
    kResidualBlock
  };
  Kind kind = Kind::kRelu;
  int outputs = 0;  // conv out channels / linear out features
  int kernel = 3, stride = 1, padding = 0;
  float drop_probability = 0.0f;

  static LayerSpec Conv(int out_channels, int kernel, int stride = 1, int padding = 0);
  static LayerSpec BatchNorm();
  static LayerSpec Relu();
  static LayerSpec MaxPool(int kernel = 2, int stride = 2);
  static LayerSpec GlobalAvgPool();
  static LayerSpec Linear(int out_features);
  static LayerSpec Dropout(float p);
  static LayerSpec ResidualBlock();
};

/// A learned tensor with its gradient and optimiser state (momentum or Adam moments).
struct Parameter {
  Tensor value, grad, first_moment, second_moment;
};

/// One layer's computation; implementations live in sequential.cc.
class Layer {
 public:
  virtual ~Layer() = default;
  /// Output for input x (kept by reference until Backward).
  virtual const Tensor& Forward(const Tensor& x, bool training) = 0;
  /// Input gradient for output gradient dy; fills the parameters' grads.
  virtual const Tensor& Backward(const Tensor& dy) = 0;
  /// Appends this layer's parameters.
  virtual void CollectParameters(std::vector<Parameter*>& out) = 0;
  /// Appends this layer's non-learned state (batch norm running mean, then running variance).
  virtual void CollectBuffers(std::vector<Tensor*>& out) { (void)out; }
  /// Appends the positions of this layer's random streams (a dropout layer's forward calls).
  virtual void CollectRandomPositions(std::vector<std::uint64_t*>& out) { (void)out; }
};

/// What the next updates depend on besides the tensors: the optimiser's step count (SGD's first
/// step, Adam's bias correction) and each dropout layer's position in its random stream. Saved
/// and restored to resume training exactly where it stopped.
struct TrainingCounters {
  std::int64_t optimizer_steps = 0;
  std::vector<std::uint64_t> dropout_positions;  ///< one per dropout layer, in layer order
};

/// The network. Parameters start like PyTorch's defaults: conv/linear weight and bias
/// U(±1/√fan_in), BN γ = 1, β = 0; all drawn from counter-based streams of `seed`.
class Sequential {
 public:
  /// `item` is one input's {1, C, H, W}; the batch size may change from call to call. Throws
  /// NetworkError (network_size.h) before allocating when the layers do not fit or are too big.
  Sequential(Shape item, const std::vector<LayerSpec>& layers, Device device, std::uint64_t seed);
  ~Sequential();
  Sequential(Sequential&&) noexcept;
  Sequential& operator=(Sequential&&) noexcept;

  /// Logits {N, classes, 1, 1} for x {N, C, H, W}; training selects batch statistics and dropout.
  const Tensor& Forward(const Tensor& x, bool training);
  /// Training forward, softmax cross-entropy against labels {N,1,1,1}, backward. Returns the loss.
  float ForwardBackward(const Tensor& x, const Tensor& labels);
  /// Applies one SGD / Adam step to every parameter with the gradients of the last backward.
  void SgdStep(const SgdOptions& options, float learning_rate);
  void AdamStep(const AdamOptions& options, float learning_rate);

  /// The logits of the last Forward / ForwardBackward (valid until the next call).
  const Tensor& logits() const { return *logits_; }
  const std::vector<Parameter*>& parameters() const { return parameters_; }
  /// State saved with the weights but not learned: each batch norm's running mean and variance.
  const std::vector<Tensor*>& buffers() const { return buffers_; }
  /// The optimiser's step count and the dropout layers' stream positions.
  TrainingCounters counters() const;
  /// Restores counters(); throws std::invalid_argument when the number of dropout layers differs.
  void RestoreCounters(const TrainingCounters& counters);
  /// Number of learned scalars (weights, biases, BN scales and shifts).
  std::size_t ParameterCount() const;
  Device device() const { return device_; }

 private:
  Device device_;
  std::vector<std::unique_ptr<Layer>> layers_;
  std::vector<Parameter*> parameters_;
  std::vector<Tensor*> buffers_;
  std::vector<std::uint64_t*> random_positions_;
  Tensor dlogits_;
  const Tensor* logits_ = nullptr;
  std::int64_t steps_ = 0;
};

}  // namespace ctp::kernels::cnn
