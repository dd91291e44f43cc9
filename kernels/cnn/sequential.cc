#include "ctp/kernels/cnn/sequential.h"

#include <cmath>
#include <stdexcept>
#include <string>

#include "ctp/kernels/cnn/batch_norm.h"
#include "ctp/kernels/cnn/bias_add.h"
#include "ctp/kernels/cnn/conv2d.h"
#include "ctp/kernels/cnn/dropout.h"
#include "ctp/kernels/cnn/global_avg_pool.h"
#include "ctp/kernels/cnn/linear.h"
#include "ctp/kernels/cnn/max_pool.h"
#include "ctp/kernels/cnn/network_size.h"
#include "ctp/kernels/cnn/random.h"
#include "ctp/kernels/cnn/relu.h"
#include "ctp/kernels/cnn/residual_add.h"
#include "ctp/kernels/cnn/softmax_cross_entropy.h"

namespace ctp::kernels::cnn {
namespace {

/// Reallocates `tensor` when its shape or device differ (the batch size may change).
Tensor& Ensure(Tensor& tensor, const Shape& shape, Device device) {
  if (tensor.empty() || tensor.shape() != shape || tensor.device() != device)
    tensor = Tensor(shape, device);
  return tensor;
}

/// Shared construction state: device and a counter of parameter streams.
struct BuildContext {
  Device device;
  std::uint64_t seed;
  std::uint64_t next_stream = 0;
  bool input_needs_gradient = true;  // false while building the network's first layer

  Parameter MakeParameter(Shape shape, float bound, float constant = 0.0f) {
    Parameter p{Tensor(shape, device), Tensor(shape, device), Tensor(shape, device),
                Tensor(shape, device)};
    if (bound > 0.0f) {
      FillUniform(p.value, -bound, bound, MixBits(seed + ++next_stream));
    } else if (constant != 0.0f) {
      std::vector<float> values(shape.Count(), constant);
      p.value.CopyFromHost(values);
    }
    return p;
  }
};

class ConvLayer : public Layer {
 public:
  ConvLayer(BuildContext& context, const Shape& in, const LayerSpec& spec)
      : geometry_{spec.kernel, spec.stride, spec.padding},
        weight_(context.MakeParameter({spec.outputs, in.c, spec.kernel, spec.kernel},
                                      1.0f / std::sqrt(float(in.c * spec.kernel * spec.kernel)))),
        bias_(context.MakeParameter({spec.outputs, 1, 1, 1},
                                    1.0f / std::sqrt(float(in.c * spec.kernel * spec.kernel)))),
        needs_input_gradient_(context.input_needs_gradient) {}
  const Tensor& Forward(const Tensor& x, bool) override {
    x_ = &x;
    Tensor& y =
        Ensure(y_, Conv2dOutputShape(x.shape(), weight_.value.shape(), geometry_), x.device());
    Conv2dForward(geometry_, x, weight_.value, y);
    BiasAddForward(bias_.value, y);
    return y;
  }
  const Tensor& Backward(const Tensor& dy) override {
    BiasAddBackward(dy, bias_.grad);
    Tensor* dx = needs_input_gradient_ ? &Ensure(dx_, x_->shape(), dy.device()) : nullptr;
    Conv2dBackward(geometry_, *x_, weight_.value, dy, dx, weight_.grad);
    return dx_;
  }
  void CollectParameters(std::vector<Parameter*>& out) override {
    out.push_back(&weight_);
    out.push_back(&bias_);
  }

 private:
  Conv2dGeometry geometry_;
  Parameter weight_, bias_;
  bool needs_input_gradient_;  // false for the network's first layer
  const Tensor* x_ = nullptr;
  Tensor y_, dx_;
};

class LinearLayer : public Layer {
 public:
  LinearLayer(BuildContext& context, const Shape& in, int outputs)
      : weight_(context.MakeParameter({outputs, int(in.ItemCount()), 1, 1},
                                      1.0f / std::sqrt(float(in.ItemCount())))),
        bias_(context.MakeParameter({outputs, 1, 1, 1}, 1.0f / std::sqrt(float(in.ItemCount())))) {}
  const Tensor& Forward(const Tensor& x, bool) override {
    x_ = &x;
    Tensor& y = Ensure(y_, {x.shape().n, weight_.value.shape().n, 1, 1}, x.device());
    LinearForward(x, weight_.value, y);
    BiasAddForward(bias_.value, y);
    return y;
  }
  const Tensor& Backward(const Tensor& dy) override {
    BiasAddBackward(dy, bias_.grad);
    LinearBackward(*x_, weight_.value, dy, &Ensure(dx_, x_->shape(), dy.device()), weight_.grad);
    return dx_;
  }
  void CollectParameters(std::vector<Parameter*>& out) override {
    out.push_back(&weight_);
    out.push_back(&bias_);
  }

 private:
  Parameter weight_, bias_;
  const Tensor* x_ = nullptr;
  Tensor y_, dx_;
};

class BatchNormLayer : public Layer {
 public:
  BatchNormLayer(BuildContext& context, const Shape& in)
      : gamma_(context.MakeParameter({in.c, 1, 1, 1}, 0.0f, 1.0f)),
        beta_(context.MakeParameter({in.c, 1, 1, 1}, 0.0f)),
        running_mean_({in.c, 1, 1, 1}, context.device),
        running_var_(
            Tensor::FromHost({in.c, 1, 1, 1}, std::vector<float>(in.c, 1.0f)).To(context.device)),
        saved_mean_({in.c, 1, 1, 1}, context.device),
        saved_inv_std_({in.c, 1, 1, 1}, context.device) {}
  const Tensor& Forward(const Tensor& x, bool training) override {
    x_ = &x;
    Tensor& y = Ensure(y_, x.shape(), x.device());
    if (training) {
      BatchNormForwardTrain({}, x, gamma_.value, beta_.value, running_mean_, running_var_, y,
                            saved_mean_, saved_inv_std_);
    } else {
      BatchNormForwardEval({}, x, gamma_.value, beta_.value, running_mean_, running_var_, y);
    }
    return y;
  }
  const Tensor& Backward(const Tensor& dy) override {
    BatchNormBackward(*x_, gamma_.value, saved_mean_, saved_inv_std_, dy,
                      Ensure(dx_, x_->shape(), dy.device()), gamma_.grad, beta_.grad);
    return dx_;
  }
  void CollectParameters(std::vector<Parameter*>& out) override {
    out.push_back(&gamma_);
    out.push_back(&beta_);
  }
  void CollectBuffers(std::vector<Tensor*>& out) override {
    out.push_back(&running_mean_);
    out.push_back(&running_var_);
  }

 private:
  Parameter gamma_, beta_;
  Tensor running_mean_, running_var_, saved_mean_, saved_inv_std_;
  const Tensor* x_ = nullptr;
  Tensor y_, dx_;
};

/// Layers without parameters: ReLU, max pool, global average pool, dropout.
class StatelessLayer : public Layer {
 public:
  StatelessLayer(const LayerSpec& spec, std::uint64_t seed) : spec_(spec), seed_(seed) {}
  const Tensor& Forward(const Tensor& x, bool training) override {
    x_ = &x;
    const PoolGeometry pool{spec_.kernel, spec_.stride};
    switch (spec_.kind) {
      case LayerSpec::Kind::kRelu:
        ReluForward(x, Ensure(y_, x.shape(), x.device()));
        break;
      case LayerSpec::Kind::kMaxPool:
        MaxPoolForward(pool, x, Ensure(y_, MaxPoolOutputShape(x.shape(), pool), x.device()));
        break;
      case LayerSpec::Kind::kGlobalAvgPool:
        GlobalAvgPoolForward(x, Ensure(y_, {x.shape().n, x.shape().c, 1, 1}, x.device()));
        break;
      default:  // kDropout; identity in evaluation
        ++calls_;
        DropoutForward(training ? spec_.drop_probability : 0.0f, seed_ + calls_, x,
                       Ensure(y_, x.shape(), x.device()));
    }
    return y_;
  }
  const Tensor& Backward(const Tensor& dy) override {
    Tensor& dx = Ensure(dx_, x_->shape(), dy.device());
    switch (spec_.kind) {
      case LayerSpec::Kind::kRelu:
        ReluBackward(y_, dy, dx);
        break;
      case LayerSpec::Kind::kMaxPool:
        MaxPoolBackward({spec_.kernel, spec_.stride}, *x_, dy, dx);
        break;
      case LayerSpec::Kind::kGlobalAvgPool:
        GlobalAvgPoolBackward(dy, dx);
        break;
      default:
        DropoutBackward(spec_.drop_probability, seed_ + calls_, dy, dx);
    }
    return dx;
  }
  void CollectParameters(std::vector<Parameter*>&) override {}
  void CollectRandomPositions(std::vector<std::uint64_t*>& out) override {
    if (spec_.kind == LayerSpec::Kind::kDropout) out.push_back(&calls_);
  }

 private:
  LayerSpec spec_;
  std::uint64_t seed_, calls_ = 0;
  const Tensor* x_ = nullptr;
  Tensor y_, dx_;
};

std::unique_ptr<Layer> MakeLayer(BuildContext& context, const Shape& in, const LayerSpec& spec);

/// relu(main(x) + x), main = conv3×3 → BN → ReLU → conv3×3 → BN with in.c channels.
class ResidualBlockLayer : public Layer {
 public:
  ResidualBlockLayer(BuildContext& context, const Shape& in) {
    context.input_needs_gradient = true;
    for (const LayerSpec& spec :
         {LayerSpec::Conv(in.c, 3, 1, 1), LayerSpec::BatchNorm(), LayerSpec::Relu(),
          LayerSpec::Conv(in.c, 3, 1, 1), LayerSpec::BatchNorm()})
      main_.push_back(MakeLayer(context, in, spec));
  }
  const Tensor& Forward(const Tensor& x, bool training) override {
    const Tensor* h = &x;
    for (auto& layer : main_) h = &layer->Forward(*h, training);
    Tensor& sum = Ensure(sum_, x.shape(), x.device());
    ResidualAddForward(*h, x, sum);
    return output_relu_.Forward(sum, training);
  }
  const Tensor& Backward(const Tensor& dy) override {
    const Tensor& dsum = output_relu_.Backward(dy);
    const Tensor* g = &dsum;
    for (auto it = main_.rbegin(); it != main_.rend(); ++it) g = &(*it)->Backward(*g);
    Tensor& dx = Ensure(dx_, g->shape(), g->device());
    dx.CopyFrom(*g);
    ResidualAddBackward(dsum, dx);  // the identity path
    return dx;
  }
  void CollectParameters(std::vector<Parameter*>& out) override {
    for (auto& layer : main_) layer->CollectParameters(out);
  }
  void CollectBuffers(std::vector<Tensor*>& out) override {
    for (auto& layer : main_) layer->CollectBuffers(out);
  }

 private:
  std::vector<std::unique_ptr<Layer>> main_;
  StatelessLayer output_relu_{LayerSpec::Relu(), 0};
  Tensor sum_, dx_;
};

Shape OutputShape(const Shape& in, const LayerSpec& spec) {
  using Kind = LayerSpec::Kind;
  switch (spec.kind) {
    case Kind::kConv:
      return Conv2dOutputShape(in, {spec.outputs, in.c, spec.kernel, spec.kernel},
                               {spec.kernel, spec.stride, spec.padding});
    case Kind::kMaxPool:
      return MaxPoolOutputShape(in, {spec.kernel, spec.stride});
    case Kind::kGlobalAvgPool:
      return {in.n, in.c, 1, 1};
    case Kind::kLinear:
      return {in.n, spec.outputs, 1, 1};
    default:
      return in;
  }
}

std::unique_ptr<Layer> MakeLayer(BuildContext& context, const Shape& in, const LayerSpec& spec) {
  using Kind = LayerSpec::Kind;
  switch (spec.kind) {
    case Kind::kConv:
      return std::make_unique<ConvLayer>(context, in, spec);
    case Kind::kLinear:
      return std::make_unique<LinearLayer>(context, in, spec.outputs);
    case Kind::kBatchNorm:
      return std::make_unique<BatchNormLayer>(context, in);
    case Kind::kResidualBlock:
      return std::make_unique<ResidualBlockLayer>(context, in);
    default:
      return std::make_unique<StatelessLayer>(spec, MixBits(context.seed ^ ++context.next_stream));
  }
}

}  // namespace

LayerSpec LayerSpec::Conv(int out_channels, int kernel, int stride, int padding) {
  return {Kind::kConv, out_channels, kernel, stride, padding};
}
LayerSpec LayerSpec::BatchNorm() { return {Kind::kBatchNorm}; }
LayerSpec LayerSpec::Relu() { return {Kind::kRelu}; }
LayerSpec LayerSpec::MaxPool(int kernel, int stride) { return {Kind::kMaxPool, 0, kernel, stride}; }
LayerSpec LayerSpec::GlobalAvgPool() { return {Kind::kGlobalAvgPool}; }
LayerSpec LayerSpec::Linear(int out_features) { return {Kind::kLinear, out_features}; }
LayerSpec LayerSpec::Dropout(float p) { return {Kind::kDropout, 0, 0, 0, 0, p}; }
LayerSpec LayerSpec::ResidualBlock() { return {Kind::kResidualBlock}; }

Sequential::Sequential(Shape item, const std::vector<LayerSpec>& layers, Device device,
                       std::uint64_t seed)
    : device_(device) {
  MeasureNetwork(item, layers);  // sizes checked before anything is allocated
  BuildContext context{device, seed};
  Shape shape = item;
  for (const LayerSpec& spec : layers) {
    context.input_needs_gradient = !layers_.empty();
    layers_.push_back(MakeLayer(context, shape, spec));
    shape = OutputShape(shape, spec);
  }
  for (auto& layer : layers_) layer->CollectParameters(parameters_);
  for (auto& layer : layers_) layer->CollectBuffers(buffers_);
  for (auto& layer : layers_) layer->CollectRandomPositions(random_positions_);
}

Sequential::~Sequential() = default;
Sequential::Sequential(Sequential&&) noexcept = default;
Sequential& Sequential::operator=(Sequential&&) noexcept = default;

const Tensor& Sequential::Forward(const Tensor& x, bool training) {
  const Tensor* h = &x;
  for (auto& layer : layers_) h = &layer->Forward(*h, training);
  logits_ = h;
  return *h;
}

float Sequential::ForwardBackward(const Tensor& x, const Tensor& labels) {
  const Tensor& logits = Forward(x, true);
  const float loss = SoftmaxCrossEntropy(logits, labels, Ensure(dlogits_, logits.shape(), device_));
  const Tensor* g = &dlogits_;
  for (auto it = layers_.rbegin(); it != layers_.rend(); ++it) g = &(*it)->Backward(*g);
  return loss;
}

void Sequential::SgdStep(const SgdOptions& options, float learning_rate) {
  ++steps_;
  for (Parameter* p : parameters_)
    cnn::SgdStep(options, learning_rate, steps_, p->value, p->grad, p->first_moment);
}

void Sequential::AdamStep(const AdamOptions& options, float learning_rate) {
  ++steps_;
  for (Parameter* p : parameters_)
    cnn::AdamStep(options, learning_rate, steps_, p->value, p->grad, p->first_moment,
                  p->second_moment);
}

TrainingCounters Sequential::counters() const {
  TrainingCounters counters{steps_, {}};
  for (const std::uint64_t* position : random_positions_) counters.dropout_positions.push_back(*position);
  return counters;
}

void Sequential::RestoreCounters(const TrainingCounters& counters) {
  if (counters.dropout_positions.size() != random_positions_.size())
    throw std::invalid_argument("RestoreCounters: " +
                                std::to_string(counters.dropout_positions.size()) +
                                " dropout positions for " +
                                std::to_string(random_positions_.size()) + " dropout layers");
  steps_ = counters.optimizer_steps;
  for (std::size_t i = 0; i < random_positions_.size(); ++i)
    *random_positions_[i] = counters.dropout_positions[i];
}

std::size_t Sequential::ParameterCount() const {
  std::size_t count = 0;
  for (const Parameter* p : parameters_) count += p->value.size();
  return count;
}

}  // namespace ctp::kernels::cnn
