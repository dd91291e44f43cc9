// The Sequential network: the reference CNN's size, whole-network gradients (chaining checked
// against the per-op backward passes, finite differences on a smooth net), determinism and a
// small overfit run, and continuing a training from its saved state.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "cnn_test_support.h"
#include "cuda_test_support.h"
#include "ctp/kernels/cnn/batch_norm.h"
#include "ctp/kernels/cnn/bias_add.h"
#include "ctp/kernels/cnn/conv2d.h"
#include "ctp/kernels/cnn/global_avg_pool.h"
#include "ctp/kernels/cnn/linear.h"
#include "ctp/kernels/cnn/max_pool.h"
#include "ctp/kernels/cnn/relu.h"
#include "ctp/kernels/cnn/residual_add.h"
#include "ctp/kernels/cnn/sequential.h"
#include "ctp/kernels/cnn/softmax_cross_entropy.h"

namespace cnn = ctp::kernels::cnn;
using cnn::LayerSpec;
using cnn::Tensor;
using ctp::kernels::Device;

namespace {

/// The reference net of docs/notes/cnn.md for 1×28×28 inputs and 10 classes.
std::vector<LayerSpec> ReferenceNet() {
  return {LayerSpec::Conv(32, 3, 1, 1), LayerSpec::Relu(), LayerSpec::MaxPool(),
          LayerSpec::Conv(64, 3, 1, 1), LayerSpec::Relu(), LayerSpec::MaxPool(),
          LayerSpec::Linear(128),       LayerSpec::Relu(), LayerSpec::Linear(10)};
}

/// A small net with every layer kind, for 3×8×8 inputs and 4 classes.
std::vector<LayerSpec> EveryLayerNet(float dropout) {
  return {LayerSpec::Conv(4, 3, 1, 1), LayerSpec::BatchNorm(),     LayerSpec::Relu(),
          LayerSpec::ResidualBlock(),  LayerSpec::MaxPool(),       LayerSpec::Conv(6, 3, 1, 1),
          LayerSpec::Relu(),           LayerSpec::GlobalAvgPool(), LayerSpec::Dropout(dropout),
          LayerSpec::Linear(4)};
}

Tensor Labels(int count, int classes) {
  std::vector<float> values(count);
  for (int i = 0; i < count; ++i) values[i] = float((i * 5 + 1) % classes);
  return Tensor::FromHost({count, 1, 1, 1}, values);
}

}  // namespace

TEST_CASE("sequential: the reference CNN has 421,642 parameters and 10 logits") {
  cnn::Sequential net({1, 1, 28, 28}, ReferenceNet(), Device::kCpu, 0);
  CHECK(net.ParameterCount() == 421642);
  Tensor x = cnn::testing::RandomTensor({2, 1, 28, 28}, 1);
  CHECK(net.Forward(x, false).shape() == cnn::Shape{2, 10, 1, 1});
  // PyTorch's default init bound for conv1 is 1/sqrt(9).
  std::vector<float> w = net.parameters()[0]->value.ToHost();
  float largest = 0.0f;
  for (float v : w) largest = std::max(largest, std::fabs(v));
  CHECK(largest <= 1.0f / 3.0f);
  CHECK(largest > 0.3f);
}

TEST_CASE("sequential: backward chains every layer's own backward pass") {
  // The network's gradients must equal the per-op backward passes (each checked against finite
  // differences in cnn_gradient_test.cc) chained by hand in reverse order. A whole-network
  // finite-difference check cannot be tight for this net: its ReLUs and max pools make the loss
  // piecewise smooth, and with float32 forwards any step large enough to rise above rounding
  // noise crosses kinks (measured: the numeric derivative drifts towards the analytic one as the
  // step shrinks, until rounding noise takes over). The smooth net below gets the tight check.
  cnn::Sequential net({1, 3, 8, 8}, EveryLayerNet(0.0f), Device::kCpu, 3);
  Tensor x = cnn::testing::RandomTensor({4, 3, 8, 8}, 4), labels = Labels(4, 4);
  net.ForwardBackward(x, labels);
  const std::vector<cnn::Parameter*>& p = net.parameters();
  REQUIRE(p.size() == 16);
  auto w = [&](int i) -> const Tensor& { return p[i]->value; };
  auto like = [](const Tensor& t) { return Tensor(t.shape()); };
  const cnn::Conv2dGeometry same{3, 1, 1};
  auto conv = [&](const Tensor& in, int weight) {
    Tensor out(cnn::Conv2dOutputShape(in.shape(), w(weight).shape(), same));
    cnn::Conv2dForward(same, in, w(weight), out);
    cnn::BiasAddForward(w(weight + 1), out);
    return out;
  };
  struct Bn {
    Tensor y, mean, inv_std;
  };
  auto bn = [&](const Tensor& in, int gamma) {
    const cnn::Shape c{in.shape().c, 1, 1, 1};
    Bn out{like(in), Tensor(c), Tensor(c)};
    Tensor running_mean(c), running_var(c);
    cnn::BatchNormForwardTrain({}, in, w(gamma), w(gamma + 1), running_mean, running_var, out.y,
                               out.mean, out.inv_std);
    return out;
  };
  auto relu = [&](const Tensor& in) {
    Tensor out = like(in);
    cnn::ReluForward(in, out);
    return out;
  };
  // Forward.
  Tensor a1 = conv(x, 0);
  Bn b1 = bn(a1, 2);
  Tensor r1 = relu(b1.y);
  Tensor c1 = conv(r1, 4);
  Bn d1 = bn(c1, 6);
  Tensor e1 = relu(d1.y);
  Tensor c2 = conv(e1, 8);
  Bn d2 = bn(c2, 10);
  Tensor sum = like(r1);
  cnn::ResidualAddForward(d2.y, r1, sum);
  Tensor block = relu(sum);
  Tensor pooled({4, 4, 4, 4});
  cnn::MaxPoolForward({2, 2}, block, pooled);
  Tensor a2 = conv(pooled, 12);
  Tensor r2 = relu(a2);
  Tensor features({4, 6, 1, 1});
  cnn::GlobalAvgPoolForward(r2, features);
  Tensor logits({4, 4, 1, 1});
  cnn::LinearForward(features, w(14), logits);
  cnn::BiasAddForward(w(15), logits);
  Tensor dlogits = like(logits);
  cnn::SoftmaxCrossEntropy(logits, labels, dlogits);
  // Backward, in reverse; grads[i] is parameter i's gradient.
  std::vector<Tensor> grads;
  for (const cnn::Parameter* parameter : p) grads.push_back(like(parameter->value));
  auto conv_back = [&](const Tensor& in, int weight, const Tensor& dy, bool input_gradient) {
    cnn::BiasAddBackward(dy, grads[weight + 1]);
    Tensor dx = like(in);
    cnn::Conv2dBackward(same, in, w(weight), dy, input_gradient ? &dx : nullptr, grads[weight]);
    return dx;
  };
  auto bn_back = [&](const Tensor& in, const Bn& saved, int gamma, const Tensor& dy) {
    Tensor dx = like(in);
    cnn::BatchNormBackward(in, w(gamma), saved.mean, saved.inv_std, dy, dx, grads[gamma],
                           grads[gamma + 1]);
    return dx;
  };
  auto relu_back = [&](const Tensor& out, const Tensor& dy) {
    Tensor dx = like(out);
    cnn::ReluBackward(out, dy, dx);
    return dx;
  };
  cnn::BiasAddBackward(dlogits, grads[15]);
  Tensor dfeatures = like(features);
  cnn::LinearBackward(features, w(14), dlogits, &dfeatures, grads[14]);
  Tensor dr2 = like(r2);
  cnn::GlobalAvgPoolBackward(dfeatures, dr2);
  Tensor dpooled = conv_back(pooled, 12, relu_back(r2, dr2), true);
  Tensor dblock = like(block);
  cnn::MaxPoolBackward({2, 2}, block, dpooled, dblock);
  Tensor dsum = relu_back(block, dblock);
  Tensor de1 = conv_back(e1, 8, bn_back(c2, d2, 10, dsum), true);
  Tensor dr1 = conv_back(r1, 4, bn_back(c1, d1, 6, relu_back(e1, de1)), true);
  cnn::ResidualAddBackward(dsum, dr1);  // the identity path
  conv_back(x, 0, bn_back(a1, b1, 2, relu_back(r1, dr1)), false);
  for (std::size_t i = 0; i < p.size(); ++i) {
    CAPTURE(i);
    cnn::testing::CheckVectorsClose(p[i]->grad.ToHost(), grads[i].ToHost(), 1e-7f, 1e-5f,
                                    "network vs chained per-op gradient");
  }
}

TEST_CASE("sequential: a smooth network's gradients match finite differences tightly") {
  // conv, batch norm, strided conv, global average pool, dropout (p = 0) and two linear layers:
  // no ReLU or max pool, so the loss is smooth and every parameter's check is strict.
  cnn::Sequential net(
      {1, 3, 8, 8},
      {LayerSpec::Conv(4, 3, 1, 1), LayerSpec::BatchNorm(), LayerSpec::Conv(6, 3, 2, 1),
       LayerSpec::BatchNorm(), LayerSpec::GlobalAvgPool(), LayerSpec::Dropout(0.0f),
       LayerSpec::Linear(8), LayerSpec::Linear(4)},
      Device::kCpu, 3);
  Tensor x = cnn::testing::RandomTensor({4, 3, 8, 8}, 4), labels = Labels(4, 4);
  net.ForwardBackward(x, labels);
  Tensor scratch;
  for (cnn::Parameter* parameter : net.parameters()) {
    std::vector<float> analytic = parameter->grad.ToHost();
    cnn::testing::CheckGradient("net grad", parameter->value, analytic,
                                [&] {
                                  const Tensor& logits = net.Forward(x, true);
                                  scratch = Tensor(logits.shape());
                                  return double(cnn::SoftmaxCrossEntropy(logits, labels, scratch));
                                },
                                {1e-2f, 1e-4, 1e-2});
  }
}

TEST_CASE("sequential: training is deterministic for a seed") {
  auto train = [](std::uint64_t seed) {
    cnn::Sequential net({1, 3, 8, 8}, EveryLayerNet(0.25f), Device::kCpu, seed);
    Tensor x = cnn::testing::RandomTensor({8, 3, 8, 8}, 5), labels = Labels(8, 4);
    std::vector<float> losses;
    for (int step = 0; step < 3; ++step) {
      losses.push_back(net.ForwardBackward(x, labels));
      net.SgdStep({.momentum = 0.9f}, 0.05f);
    }
    return losses;
  };
  CHECK(train(7) == train(7));
  CHECK(train(7) != train(8));
}

TEST_CASE("sequential: a small net overfits 8 random samples") {
  cnn::Sequential net(
      {1, 1, 12, 12},
      {LayerSpec::Conv(8, 3, 1, 1), LayerSpec::Relu(), LayerSpec::MaxPool(),
       LayerSpec::Conv(16, 3, 1, 1), LayerSpec::BatchNorm(), LayerSpec::Relu(),
       LayerSpec::MaxPool(), LayerSpec::Linear(32), LayerSpec::Relu(), LayerSpec::Linear(10)},
      Device::kCpu, 11);
  Tensor x = cnn::testing::RandomTensor({8, 1, 12, 12}, 12), labels = Labels(8, 10);
  const float first = net.ForwardBackward(x, labels);
  float loss = first;
  for (int step = 0; step < 150; ++step) {
    net.AdamStep({}, 3e-3f);
    loss = net.ForwardBackward(x, labels);
  }
  CAPTURE(first);
  CHECK(first > 1.5f);
  CHECK(loss < 0.02f);
  CHECK(cnn::CountCorrect(net.Forward(x, true), labels) == 8);
}

namespace {

// Trains `net` for `steps` Adam steps on a fixed batch.
void AdamSteps(cnn::Sequential& net, int steps) {
  const Tensor x = cnn::testing::RandomTensor({8, 3, 8, 8}, 5).To(net.device());
  const Tensor labels = Labels(8, 4).To(net.device());
  for (int step = 0; step < steps; ++step) {
    net.ForwardBackward(x, labels);
    net.AdamStep({}, 1e-2f);
  }
}

// Copies what a resume checkpoint holds, through host memory as a file would: the parameters,
// their optimiser moments, the buffers and the counters.
void CopyTrainingState(const cnn::Sequential& from, cnn::Sequential& to) {
  for (std::size_t i = 0; i < from.parameters().size(); ++i) {
    const cnn::Parameter& a = *from.parameters()[i];
    cnn::Parameter& b = *to.parameters()[i];
    b.value.CopyFromHost(a.value.ToHost());
    b.first_moment.CopyFromHost(a.first_moment.ToHost());
    b.second_moment.CopyFromHost(a.second_moment.ToHost());
  }
  for (std::size_t i = 0; i < from.buffers().size(); ++i)
    to.buffers()[i]->CopyFromHost(from.buffers()[i]->ToHost());
  to.RestoreCounters(from.counters());
}

void CheckSameParameters(const cnn::Sequential& a, const cnn::Sequential& b) {
  for (std::size_t i = 0; i < a.parameters().size(); ++i)
    CHECK(a.parameters()[i]->value.ToHost() == b.parameters()[i]->value.ToHost());
}

}  // namespace

TEST_CASE("sequential: a network given another's tensors and counters continues it bitwise") {
  cnn::Sequential uninterrupted({1, 3, 8, 8}, EveryLayerNet(0.25f), Device::kCpu, 3);
  AdamSteps(uninterrupted, 5);

  cnn::Sequential first({1, 3, 8, 8}, EveryLayerNet(0.25f), Device::kCpu, 3);
  AdamSteps(first, 3);
  CHECK(first.counters().optimizer_steps == 3);
  CHECK(first.counters().dropout_positions == std::vector<std::uint64_t>{3});
  cnn::Sequential resumed({1, 3, 8, 8}, EveryLayerNet(0.25f), Device::kCpu, 3);
  CopyTrainingState(first, resumed);
  AdamSteps(resumed, 2);
  CheckSameParameters(resumed, uninterrupted);

  // Without the counters (Adam's bias correction and the dropout masks start over) it differs.
  cnn::Sequential reset({1, 3, 8, 8}, EveryLayerNet(0.25f), Device::kCpu, 3);
  CopyTrainingState(first, reset);
  reset.RestoreCounters({0, {0}});
  AdamSteps(reset, 2);
  CHECK(reset.parameters()[0]->value.ToHost() != uninterrupted.parameters()[0]->value.ToHost());
}

TEST_CASE("sequential: RestoreCounters refuses another number of dropout layers") {
  cnn::Sequential net({1, 3, 8, 8}, EveryLayerNet(0.25f), Device::kCpu, 3);
  CHECK_THROWS_WITH_AS(net.RestoreCounters({4, {1, 2}}),
                       "RestoreCounters: 2 dropout positions for 1 dropout layers",
                       std::invalid_argument);
}

CTP_CUDA_TEST_CASE("sequential: training state moves between the GPU and the host") {
  cnn::Sequential uninterrupted({1, 3, 8, 8}, EveryLayerNet(0.0f), Device::kCuda, 3);
  AdamSteps(uninterrupted, 5);
  cnn::Sequential first({1, 3, 8, 8}, EveryLayerNet(0.0f), Device::kCuda, 3);
  AdamSteps(first, 3);
  cnn::Sequential resumed({1, 3, 8, 8}, EveryLayerNet(0.0f), Device::kCuda, 3);
  CopyTrainingState(first, resumed);
  AdamSteps(resumed, 2);
  for (std::size_t i = 0; i < uninterrupted.parameters().size(); ++i) {
    const std::vector<float> want = uninterrupted.parameters()[i]->value.ToHost();
    const std::vector<float> got = resumed.parameters()[i]->value.ToHost();
    ctp::kernels::testing::CheckClose(got.data(), want.data(), want.size(), 1e-5f, 1e-4f,
                                      "parameter");
  }
}
