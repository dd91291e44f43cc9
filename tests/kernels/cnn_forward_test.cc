// CNN forward passes against naive loop references.
#include <doctest/doctest.h>

#include <cmath>
#include <stdexcept>
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
using cnn::testing::CheckVectorsClose;
using cnn::testing::RandomTensor;

namespace {

std::vector<float> NaiveConv(const Tensor& x, const Tensor& w, const cnn::Conv2dGeometry& g) {
  const Shape in = x.shape(), k = w.shape(), out = cnn::Conv2dOutputShape(in, k, g);
  std::vector<float> y(out.Count(), 0.0f);
  for (int n = 0; n < out.n; ++n)
    for (int co = 0; co < out.c; ++co)
      for (int i = 0; i < out.h; ++i)
        for (int j = 0; j < out.w; ++j) {
          double sum = 0.0;
          for (int ci = 0; ci < in.c; ++ci)
            for (int ky = 0; ky < g.kernel; ++ky)
              for (int kx = 0; kx < g.kernel; ++kx) {
                int row = i * g.stride - g.padding + ky, col = j * g.stride - g.padding + kx;
                if (row < 0 || row >= in.h || col < 0 || col >= in.w) continue;
                sum += double(x.data()[((n * in.c + ci) * in.h + row) * in.w + col]) *
                       w.data()[((co * in.c + ci) * g.kernel + ky) * g.kernel + kx];
              }
          y[((n * out.c + co) * out.h + i) * out.w + j] = float(sum);
        }
  return y;
}

}  // namespace

TEST_CASE("conv2d forward matches a naive convolution for several geometries") {
  for (cnn::Conv2dGeometry g :
       {cnn::Conv2dGeometry{3, 1, 1}, cnn::Conv2dGeometry{3, 2, 1}, cnn::Conv2dGeometry{2, 2, 0},
        cnn::Conv2dGeometry{1, 1, 0}, cnn::Conv2dGeometry{5, 1, 2}}) {
    CAPTURE(g.kernel);
    CAPTURE(g.stride);
    Tensor x = RandomTensor({3, 4, 9, 8}, 1);
    Tensor w = RandomTensor({5, 4, g.kernel, g.kernel}, 2);
    Tensor y(cnn::Conv2dOutputShape(x.shape(), w.shape(), g));
    cnn::Conv2dForward(g, x, w, y);
    CheckVectorsClose(y.ToHost(), NaiveConv(x, w, g), 1e-5f, 1e-5f, "conv y");
  }
}

TEST_CASE("conv2d rejects mismatched shapes") {
  Tensor x({1, 3, 5, 5}), w({2, 4, 3, 3}), y({1, 2, 5, 5});
  CHECK_THROWS_AS(cnn::Conv2dForward({3, 1, 1}, x, w, y), std::invalid_argument);
  Tensor w_ok({2, 3, 3, 3}), y_bad({1, 2, 3, 3});
  CHECK_THROWS_AS(cnn::Conv2dForward({3, 1, 1}, x, w_ok, y_bad), std::invalid_argument);
  CHECK(cnn::Conv2dOutputShape({1, 3, 28, 28}, {32, 3, 3, 3}, {3, 1, 1}) == Shape{1, 32, 28, 28});
  CHECK(cnn::Conv2dOutputShape({1, 3, 28, 28}, {32, 3, 3, 3}, {3, 2, 1}) == Shape{1, 32, 14, 14});
}

TEST_CASE("linear forward is x times W transposed, flattening C*H*W") {
  Tensor x = RandomTensor({3, 2, 2, 2}, 3), w = RandomTensor({5, 8, 1, 1}, 4), y({3, 5, 1, 1});
  cnn::LinearForward(x, w, y);
  std::vector<float> want(15);
  for (int n = 0; n < 3; ++n)
    for (int o = 0; o < 5; ++o) {
      double sum = 0.0;
      for (int i = 0; i < 8; ++i) sum += double(x.data()[n * 8 + i]) * w.data()[o * 8 + i];
      want[n * 5 + o] = float(sum);
    }
  CheckVectorsClose(y.ToHost(), want, 1e-6f, 1e-5f, "linear y");
}

TEST_CASE("bias add, relu and residual add follow their definitions") {
  Tensor y = Tensor::FromHost({1, 2, 1, 2}, std::vector<float>{1, -2, 3, -4});
  Tensor bias = Tensor::FromHost({2, 1, 1, 1}, std::vector<float>{0.5f, 10});
  cnn::BiasAddForward(bias, y);
  CHECK(y.ToHost() == std::vector<float>{1.5f, -1.5f, 13, 6});
  Tensor dbias({2, 1, 1, 1});
  cnn::BiasAddBackward(y, dbias);
  CHECK(dbias.ToHost() == std::vector<float>{0, 19});

  Tensor r({1, 2, 1, 2});
  cnn::ReluForward(y, r);
  CHECK(r.ToHost() == std::vector<float>{1.5f, 0, 13, 6});
  cnn::ReluForward(y, y);  // in place
  CHECK(y.ToHost() == r.ToHost());

  Tensor sum({1, 2, 1, 2});
  cnn::ResidualAddForward(y, bias.shape().n == 2 ? r : y, sum);
  CHECK(sum.ToHost() == std::vector<float>{3, 0, 26, 12});
  cnn::ResidualAddBackward(r, sum);
  CHECK(sum.ToHost() == std::vector<float>{4.5f, 0, 39, 18});
}

TEST_CASE("max pool picks window maxima, general kernel and stride") {
  // 1x1x4x5 plane with values 0..19; windows of 3 with stride 1 and of 2 with stride 2.
  std::vector<float> values(20);
  for (int i = 0; i < 20; ++i) values[i] = float((i * 7) % 20);
  Tensor x = Tensor::FromHost({1, 1, 4, 5}, values);
  Tensor y22(cnn::MaxPoolOutputShape(x.shape(), {2, 2}));
  CHECK(y22.shape() == Shape{1, 1, 2, 2});
  cnn::MaxPoolForward({2, 2}, x, y22);
  // rows: 0 7 14 1 8 | 15 2 9 16 3 | 10 17 4 11 18 | 5 12 19 6 13
  CHECK(y22.ToHost() == std::vector<float>{15, 16, 17, 19});
  Tensor y31(cnn::MaxPoolOutputShape(x.shape(), {3, 1}));
  CHECK(y31.shape() == Shape{1, 1, 2, 3});
  cnn::MaxPoolForward({3, 1}, x, y31);
  CHECK(y31.ToHost() == std::vector<float>{17, 17, 18, 19, 19, 19});
  CHECK_THROWS_AS(cnn::MaxPoolOutputShape({1, 1, 2, 2}, {3, 1}), std::invalid_argument);
}

TEST_CASE("global average pool averages each plane") {
  Tensor x = RandomTensor({2, 3, 4, 5}, 5), y({2, 3, 1, 1});
  cnn::GlobalAvgPoolForward(x, y);
  std::vector<float> want(6);
  for (int p = 0; p < 6; ++p) {
    double sum = 0.0;
    for (int i = 0; i < 20; ++i) sum += x.data()[p * 20 + i];
    want[p] = float(sum / 20.0);
  }
  CheckVectorsClose(y.ToHost(), want, 1e-6f, 1e-6f, "gap y");
}

TEST_CASE("batch norm training normalises per channel and updates running stats") {
  const Shape shape{4, 3, 5, 5};
  Tensor x = RandomTensor(shape, 6, -2.0f, 3.0f);
  Tensor gamma = Tensor::FromHost({3, 1, 1, 1}, std::vector<float>{1.0f, 2.0f, 0.5f});
  Tensor beta = Tensor::FromHost({3, 1, 1, 1}, std::vector<float>{0.0f, -1.0f, 0.25f});
  Tensor running_mean({3, 1, 1, 1}), running_var = Tensor::FromHost({3, 1, 1, 1}, {{1, 1, 1}});
  Tensor y(shape), mean({3, 1, 1, 1}), inv_std({3, 1, 1, 1});
  cnn::BatchNormOptions options;
  cnn::BatchNormForwardTrain(options, x, gamma, beta, running_mean, running_var, y, mean, inv_std);
  const int count = 4 * 25;
  for (int c = 0; c < 3; ++c) {
    double sum = 0.0, squares = 0.0;
    for (int n = 0; n < 4; ++n)
      for (int i = 0; i < 25; ++i) sum += x.data()[(n * 3 + c) * 25 + i];
    const double mu = sum / count;
    for (int n = 0; n < 4; ++n)
      for (int i = 0; i < 25; ++i) {
        double d = x.data()[(n * 3 + c) * 25 + i] - mu;
        squares += d * d;
      }
    const double var = squares / count;
    CHECK(mean.data()[c] == doctest::Approx(mu).epsilon(1e-6));
    CHECK(inv_std.data()[c] == doctest::Approx(1.0 / std::sqrt(var + 1e-5)).epsilon(1e-5));
    CHECK(running_mean.data()[c] == doctest::Approx(0.1 * mu).epsilon(1e-5));
    CHECK(running_var.data()[c] ==
          doctest::Approx(0.9 + 0.1 * var * count / (count - 1)).epsilon(1e-5));
    for (int n = 0; n < 4; ++n)
      for (int i = 0; i < 25; ++i) {
        const int at = (n * 3 + c) * 25 + i;
        double want =
            gamma.data()[c] * (x.data()[at] - mu) / std::sqrt(var + 1e-5) + beta.data()[c];
        CHECK(y.data()[at] == doctest::Approx(want).epsilon(1e-4).scale(1.0));
      }
  }
  // Eval uses the running statistics.
  Tensor eval_y(shape);
  cnn::BatchNormForwardEval(options, x, gamma, beta, running_mean, running_var, eval_y);
  const float scale = 2.0f / std::sqrt(running_var.data()[1] + 1e-5f);
  CHECK(eval_y.data()[25] ==
        doctest::Approx((x.data()[25] - running_mean.data()[1]) * scale - 1.0f).epsilon(1e-5));
}

TEST_CASE("dropout keeps about 1-p of the elements, scaled, with a reproducible mask") {
  Tensor x = RandomTensor({8, 16, 8, 8}, 7, 1.0f, 2.0f), y(x.shape()), again(x.shape());
  const float p = 0.25f;
  cnn::DropoutForward(p, 42, x, y);
  cnn::DropoutForward(p, 42, x, again);
  CHECK(y.ToHost() == again.ToHost());
  std::size_t kept = 0, wrongly_scaled = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (y.data()[i] == 0.0f) continue;
    ++kept;
    wrongly_scaled += y.data()[i] == x.data()[i] * (1.0f / (1.0f - p)) ? 0 : 1;
  }
  CHECK(wrongly_scaled == 0);
  CHECK(double(kept) / double(x.size()) == doctest::Approx(0.75).epsilon(0.02));
  cnn::DropoutForward(p, 43, x, again);
  CHECK(y.ToHost() != again.ToHost());
  cnn::DropoutForward(0.0f, 1, x, again);
  CHECK(again.ToHost() == x.ToHost());
  CHECK_THROWS_AS(cnn::DropoutForward(1.0f, 1, x, again), std::invalid_argument);
}

TEST_CASE("softmax cross-entropy returns the mean loss and (softmax - onehot) / N") {
  Tensor logits = Tensor::FromHost({2, 3, 1, 1}, std::vector<float>{1, 2, 3, 0, 0, 0});
  Tensor labels = Tensor::FromHost({2, 1, 1, 1}, std::vector<float>{2, 0});
  Tensor dlogits({2, 3, 1, 1});
  const float loss = cnn::SoftmaxCrossEntropy(logits, labels, dlogits);
  const double z = std::exp(1.0) + std::exp(2.0) + std::exp(3.0);
  const double want = (-std::log(std::exp(3.0) / z) + std::log(3.0)) / 2.0;
  CHECK(loss == doctest::Approx(want).epsilon(1e-6));
  CHECK(dlogits.data()[0] == doctest::Approx(std::exp(1.0) / z / 2.0).epsilon(1e-6));
  CHECK(dlogits.data()[2] == doctest::Approx((std::exp(3.0) / z - 1.0) / 2.0).epsilon(1e-6));
  CHECK(dlogits.data()[3] == doctest::Approx((1.0 / 3.0 - 1.0) / 2.0).epsilon(1e-6));
  CHECK(cnn::CountCorrect(logits, labels) == 2);
  Tensor bad = Tensor::FromHost({2, 1, 1, 1}, std::vector<float>{3, 0});
  CHECK_THROWS_AS(cnn::SoftmaxCrossEntropy(logits, bad, dlogits), std::invalid_argument);
}
