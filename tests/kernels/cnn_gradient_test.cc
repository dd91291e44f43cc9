// Central finite-difference checks of every backward pass. Each layer's scalar loss is
// L = Σ y·r for a fixed random r, so dL/dy = r is fed to the backward.
#include <doctest/doctest.h>

#include <vector>

#include "cnn_test_support.h"
#include "ctp/kernels/cnn/batch_norm.h"
#include "ctp/kernels/cnn/bias_add.h"
#include "ctp/kernels/cnn/conv2d.h"
#include "ctp/kernels/cnn/dropout.h"
#include "ctp/kernels/cnn/global_avg_pool.h"
#include "ctp/kernels/cnn/linear.h"
#include "ctp/kernels/cnn/max_pool.h"
#include "ctp/kernels/cnn/relu.h"
#include "ctp/kernels/cnn/residual_add.h"
#include "ctp/kernels/cnn/softmax_cross_entropy.h"

namespace cnn = ctp::kernels::cnn;
using cnn::Shape;
using cnn::Tensor;
using cnn::testing::CheckGradient;
using cnn::testing::DistinctTensor;
using cnn::testing::RandomTensor;
using cnn::testing::WeightedSum;

TEST_CASE("conv2d gradients match finite differences") {
  for (cnn::Conv2dGeometry g : {cnn::Conv2dGeometry{3, 1, 1}, cnn::Conv2dGeometry{3, 2, 1},
                                cnn::Conv2dGeometry{2, 2, 0}, cnn::Conv2dGeometry{1, 1, 0}}) {
    CAPTURE(g.kernel);
    CAPTURE(g.stride);
    CAPTURE(g.padding);
    Tensor x = RandomTensor({3, 3, 6, 5}, 11), w = RandomTensor({4, 3, g.kernel, g.kernel}, 12);
    const Shape out = cnn::Conv2dOutputShape(x.shape(), w.shape(), g);
    Tensor y(out), r = RandomTensor(out, 13), dx(x.shape()), dw(w.shape());
    cnn::Conv2dForward(g, x, w, y);
    cnn::Conv2dBackward(g, x, w, r, &dx, dw);
    auto loss = [&] {
      cnn::Conv2dForward(g, x, w, y);
      return WeightedSum(y, r);
    };
    CheckGradient("conv dx", x, dx.ToHost(), loss);
    CheckGradient("conv dw", w, dw.ToHost(), loss);
    Tensor dw_only(w.shape());
    cnn::Conv2dBackward(g, x, w, r, nullptr, dw_only);
    CHECK(dw_only.ToHost() == dw.ToHost());
  }
}

TEST_CASE("linear and bias gradients match finite differences") {
  Tensor x = RandomTensor({4, 3, 2, 2}, 21), w = RandomTensor({5, 12, 1, 1}, 22);
  Tensor b = RandomTensor({5, 1, 1, 1}, 23), r = RandomTensor({4, 5, 1, 1}, 24);
  Tensor y({4, 5, 1, 1}), dx(x.shape()), dw(w.shape()), db(b.shape());
  auto forward = [&] {
    cnn::LinearForward(x, w, y);
    cnn::BiasAddForward(b, y);
  };
  forward();
  cnn::LinearBackward(x, w, r, &dx, dw);
  cnn::BiasAddBackward(r, db);
  auto loss = [&] {
    forward();
    return WeightedSum(y, r);
  };
  CheckGradient("linear dx", x, dx.ToHost(), loss);
  CheckGradient("linear dw", w, dw.ToHost(), loss);
  CheckGradient("bias db", b, db.ToHost(), loss);
}

TEST_CASE("relu gradient matches finite differences away from the kink") {
  Tensor x = DistinctTensor({2, 3, 4, 4}, 31), y(x.shape()), r = RandomTensor(x.shape(), 32);
  Tensor dx(x.shape());
  cnn::ReluForward(x, y);
  cnn::ReluBackward(y, r, dx);
  CheckGradient("relu dx", x, dx.ToHost(), [&] {
    cnn::ReluForward(x, y);
    return WeightedSum(y, r);
  });
}

TEST_CASE("max pool gradient matches finite differences with distinct inputs") {
  for (cnn::PoolGeometry g :
       {cnn::PoolGeometry{2, 2}, cnn::PoolGeometry{3, 2}, cnn::PoolGeometry{3, 1}}) {
    CAPTURE(g.kernel);
    CAPTURE(g.stride);
    Tensor x = DistinctTensor({2, 2, 7, 6}, 41);
    const Shape out = cnn::MaxPoolOutputShape(x.shape(), g);
    Tensor y(out), r = RandomTensor(out, 42), dx(x.shape());
    cnn::MaxPoolForward(g, x, y);
    cnn::MaxPoolBackward(g, x, r, dx);
    CheckGradient("maxpool dx", x, dx.ToHost(), [&] {
      cnn::MaxPoolForward(g, x, y);
      return WeightedSum(y, r);
    });
  }
}

TEST_CASE("global average pool gradient matches finite differences") {
  Tensor x = RandomTensor({2, 3, 3, 4}, 51), y({2, 3, 1, 1}), r = RandomTensor(y.shape(), 52);
  Tensor dx(x.shape());
  cnn::GlobalAvgPoolBackward(r, dx);
  CheckGradient("gap dx", x, dx.ToHost(), [&] {
    cnn::GlobalAvgPoolForward(x, y);
    return WeightedSum(y, r);
  });
}

TEST_CASE("batch norm training gradients match finite differences") {
  const Shape shape{3, 2, 3, 3};
  Tensor x = RandomTensor(shape, 61, -1.0f, 2.0f),
         gamma = RandomTensor({2, 1, 1, 1}, 62, 0.5f, 1.5f);
  Tensor beta = RandomTensor({2, 1, 1, 1}, 63), r = RandomTensor(shape, 64);
  Tensor running_mean({2, 1, 1, 1}), running_var({2, 1, 1, 1}), y(shape);
  Tensor mean({2, 1, 1, 1}), inv_std({2, 1, 1, 1});
  Tensor dx(shape), dgamma(gamma.shape()), dbeta(beta.shape());
  auto forward = [&] {
    cnn::BatchNormForwardTrain({}, x, gamma, beta, running_mean, running_var, y, mean, inv_std);
  };
  forward();
  cnn::BatchNormBackward(x, gamma, mean, inv_std, r, dx, dgamma, dbeta);
  auto loss = [&] {
    forward();
    return WeightedSum(y, r);
  };
  cnn::testing::GradientTolerance tolerance{1e-2f, 3e-3, 2e-2};
  CheckGradient("bn dx", x, dx.ToHost(), loss, tolerance);
  CheckGradient("bn dgamma", gamma, dgamma.ToHost(), loss, tolerance);
  CheckGradient("bn dbeta", beta, dbeta.ToHost(), loss, tolerance);
}

TEST_CASE("dropout and residual add gradients match finite differences") {
  Tensor a = RandomTensor({2, 3, 4, 4}, 71), b = RandomTensor(a.shape(), 72);
  Tensor r = RandomTensor(a.shape(), 73), sum(a.shape()), y(a.shape());
  const float p = 0.3f;
  const std::uint64_t seed = 99;
  auto forward = [&] {
    cnn::ResidualAddForward(a, b, sum);
    cnn::DropoutForward(p, seed, sum, y);
  };
  forward();
  Tensor dsum(a.shape()), da(a.shape());
  cnn::DropoutBackward(p, seed, r, dsum);
  cnn::ResidualAddBackward(dsum, da);  // da started at 0: da = dsum, as is db
  auto loss = [&] {
    forward();
    return WeightedSum(y, r);
  };
  CheckGradient("residual da", a, da.ToHost(), loss);
  CheckGradient("residual db", b, dsum.ToHost(), loss);
}

TEST_CASE("softmax cross-entropy gradient matches finite differences of the loss") {
  Tensor logits = RandomTensor({5, 7, 1, 1}, 81, -3.0f, 3.0f), dlogits(logits.shape());
  Tensor labels = Tensor::FromHost({5, 1, 1, 1}, std::vector<float>{0, 6, 3, 3, 1});
  cnn::SoftmaxCrossEntropy(logits, labels, dlogits);
  Tensor scratch(logits.shape());
  CheckGradient("xent dlogits", logits, dlogits.ToHost(),
                [&] { return double(cnn::SoftmaxCrossEntropy(logits, labels, scratch)); },
                {1e-2f, 2e-4, 1e-2});
}
