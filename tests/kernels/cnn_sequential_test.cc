// The Sequential network: the reference CNN's size, whole-network gradients, determinism and a
// small overfit run.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "cnn_test_support.h"
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

TEST_CASE("sequential: whole-network gradients match finite differences") {
  cnn::Sequential net({1, 3, 8, 8}, EveryLayerNet(0.0f), Device::kCpu, 3);
  Tensor x = cnn::testing::RandomTensor({4, 3, 8, 8}, 4), labels = Labels(4, 4);
  net.ForwardBackward(x, labels);
  // Check the first conv weight and the last linear weight. A perturbation of an early weight
  // moves every later ReLU / max-pool input, and the float forward's rounding noise is of the
  // order of the first conv's small gradients (BN normalises most of them away), so this
  // end-to-end check allows a few outliers and asserts the gradients' direction; each layer's
  // own check (cnn_gradient_test.cc) is strict.
  const std::vector<cnn::Parameter*>& params = net.parameters();
  for (cnn::Parameter* p : {params.front(), params[params.size() - 2]}) {
    std::vector<float> analytic = p->grad.ToHost();
    Tensor scratch;
    cnn::testing::CheckGradient(
        "net grad", p->value, analytic,
        [&] {
          const Tensor& logits = net.Forward(x, true);
          scratch = Tensor(logits.shape());
          return double(cnn::SoftmaxCrossEntropy(logits, labels, scratch));
        },
        {2e-3f, 5e-4, 5e-2, /*allowed_mismatches=*/36, /*min_cosine=*/0.995});
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
