// CPU/CUDA parity for every CNN op: the CPU path is the oracle. Skipped without a device.
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
#include "ctp/kernels/cnn/optimizer.h"
#include "ctp/kernels/cnn/relu.h"
#include "ctp/kernels/cnn/residual_add.h"
#include "ctp/kernels/cnn/softmax_cross_entropy.h"
#include "cuda_test_support.h"

namespace cnn = ctp::kernels::cnn;
using cnn::Shape;
using cnn::Tensor;
using cnn::testing::DistinctTensor;
using cnn::testing::RandomTensor;
using ctp::kernels::Device;

namespace {

constexpr Device kGpu = Device::kCuda;

/// The CUDA result `got` (any device) against the CPU result `want`.
void ExpectClose(const Tensor& got, const Tensor& want, const char* label, float atol = 1e-4f,
                 float rtol = 1e-4f) {
  REQUIRE(got.shape() == want.shape());
  std::vector<float> g = got.ToHost(), w = want.ToHost();
  ctp::kernels::testing::CheckClose(g.data(), w.data(), g.size(), atol, rtol, label);
}

}  // namespace

CTP_CUDA_TEST_CASE("cuda parity: tensor round trip and FillUniform") {
  Tensor host = RandomTensor({2, 3, 4, 5}, 1);
  Tensor device = host.To(kGpu);
  CHECK(device.device() == kGpu);
  CHECK(device.ToHost() == host.ToHost());
  Tensor filled(host.shape(), kGpu);
  cnn::FillUniform(filled, -1.0f, 1.0f, 1);
  CHECK(filled.ToHost() == host.ToHost());
}

CTP_CUDA_TEST_CASE("cuda parity: conv2d forward and backward") {
  for (cnn::Conv2dGeometry g : {cnn::Conv2dGeometry{3, 1, 1}, cnn::Conv2dGeometry{3, 2, 1},
                                cnn::Conv2dGeometry{2, 2, 0}, cnn::Conv2dGeometry{5, 1, 2}}) {
    Tensor x = RandomTensor({4, 3, 11, 9}, 2), w = RandomTensor({6, 3, g.kernel, g.kernel}, 3);
    const Shape out = cnn::Conv2dOutputShape(x.shape(), w.shape(), g);
    Tensor dy = RandomTensor(out, 4);
    Tensor y(out), dx(x.shape()), dw(w.shape());
    cnn::Conv2dForward(g, x, w, y);
    cnn::Conv2dBackward(g, x, w, dy, &dx, dw);
    Tensor gx = x.To(kGpu), gw = w.To(kGpu), gdy = dy.To(kGpu);
    Tensor gy(out, kGpu), gdx(x.shape(), kGpu), gdw(w.shape(), kGpu);
    cnn::Conv2dForward(g, gx, gw, gy);
    cnn::Conv2dBackward(g, gx, gw, gdy, &gdx, gdw);
    ExpectClose(gy, y, "conv y");
    ExpectClose(gdx, dx, "conv dx");
    ExpectClose(gdw, dw, "conv dw", 1e-3f);
  }
}

CTP_CUDA_TEST_CASE("cuda parity: linear and bias add") {
  Tensor x = RandomTensor({8, 4, 3, 3}, 5), w = RandomTensor({10, 36, 1, 1}, 6);
  Tensor b = RandomTensor({10, 1, 1, 1}, 7), dy = RandomTensor({8, 10, 1, 1}, 8);
  Tensor y({8, 10, 1, 1}), dx(x.shape()), dw(w.shape()), db(b.shape());
  cnn::LinearForward(x, w, y);
  cnn::BiasAddForward(b, y);
  cnn::LinearBackward(x, w, dy, &dx, dw);
  cnn::BiasAddBackward(dy, db);
  Tensor gx = x.To(kGpu), gw = w.To(kGpu), gb = b.To(kGpu), gdy = dy.To(kGpu);
  Tensor gy(y.shape(), kGpu), gdx(x.shape(), kGpu), gdw(w.shape(), kGpu), gdb(b.shape(), kGpu);
  cnn::LinearForward(gx, gw, gy);
  cnn::BiasAddForward(gb, gy);
  cnn::LinearBackward(gx, gw, gdy, &gdx, gdw);
  cnn::BiasAddBackward(gdy, gdb);
  ExpectClose(gy, y, "linear y");
  ExpectClose(gdx, dx, "linear dx");
  ExpectClose(gdw, dw, "linear dw");
  ExpectClose(gdb, db, "bias db");
}

CTP_CUDA_TEST_CASE("cuda parity: relu, residual add, dropout, global average pool") {
  Tensor x = RandomTensor({4, 5, 6, 7}, 9), other = RandomTensor(x.shape(), 10);
  Tensor dy = RandomTensor(x.shape(), 11);
  Tensor relu(x.shape()), relu_dx(x.shape()), sum(x.shape()), drop(x.shape()), drop_dx(x.shape());
  Tensor gap({4, 5, 1, 1}), gap_dx(x.shape()), gap_dy = RandomTensor({4, 5, 1, 1}, 12);
  cnn::ReluForward(x, relu);
  cnn::ReluBackward(relu, dy, relu_dx);
  cnn::ResidualAddForward(x, other, sum);
  cnn::ResidualAddBackward(dy, sum);
  cnn::DropoutForward(0.4f, 77, x, drop);
  cnn::DropoutBackward(0.4f, 77, dy, drop_dx);
  cnn::GlobalAvgPoolForward(x, gap);
  cnn::GlobalAvgPoolBackward(gap_dy, gap_dx);

  Tensor gx = x.To(kGpu), gother = other.To(kGpu), gdy = dy.To(kGpu), ggap_dy = gap_dy.To(kGpu);
  Tensor grelu(x.shape(), kGpu), grelu_dx(x.shape(), kGpu), gsum(x.shape(), kGpu);
  Tensor gdrop(x.shape(), kGpu), gdrop_dx(x.shape(), kGpu);
  Tensor ggap(gap.shape(), kGpu), ggap_dx(x.shape(), kGpu);
  cnn::ReluForward(gx, grelu);
  cnn::ReluBackward(grelu, gdy, grelu_dx);
  cnn::ResidualAddForward(gx, gother, gsum);
  cnn::ResidualAddBackward(gdy, gsum);
  cnn::DropoutForward(0.4f, 77, gx, gdrop);
  cnn::DropoutBackward(0.4f, 77, gdy, gdrop_dx);
  cnn::GlobalAvgPoolForward(gx, ggap);
  cnn::GlobalAvgPoolBackward(ggap_dy, ggap_dx);
  ExpectClose(grelu, relu, "relu y", 0.0f, 0.0f);
  ExpectClose(grelu_dx, relu_dx, "relu dx", 0.0f, 0.0f);
  ExpectClose(gsum, sum, "residual", 1e-6f, 1e-6f);
  ExpectClose(gdrop, drop, "dropout y", 1e-6f, 1e-6f);
  ExpectClose(gdrop_dx, drop_dx, "dropout dx", 1e-6f, 1e-6f);
  ExpectClose(ggap, gap, "gap y", 1e-5f, 1e-5f);
  ExpectClose(ggap_dx, gap_dx, "gap dx", 1e-6f, 1e-6f);
}

CTP_CUDA_TEST_CASE("cuda parity: max pool") {
  for (cnn::PoolGeometry g : {cnn::PoolGeometry{2, 2}, cnn::PoolGeometry{3, 2}}) {
    Tensor x = DistinctTensor({3, 4, 9, 8}, 13);
    const Shape out = cnn::MaxPoolOutputShape(x.shape(), g);
    Tensor dy = RandomTensor(out, 14), y(out), dx(x.shape());
    cnn::MaxPoolForward(g, x, y);
    cnn::MaxPoolBackward(g, x, dy, dx);
    Tensor gx = x.To(kGpu), gdy = dy.To(kGpu), gy(out, kGpu), gdx(x.shape(), kGpu);
    cnn::MaxPoolForward(g, gx, gy);
    cnn::MaxPoolBackward(g, gx, gdy, gdx);
    ExpectClose(gy, y, "maxpool y", 0.0f, 0.0f);
    ExpectClose(gdx, dx, "maxpool dx", 1e-6f, 1e-6f);
  }
}

CTP_CUDA_TEST_CASE("cuda parity: batch norm train, eval and backward") {
  const Shape shape{6, 4, 5, 5}, channel{4, 1, 1, 1};
  Tensor x = RandomTensor(shape, 15, -1.0f, 3.0f), dy = RandomTensor(shape, 16);
  Tensor gamma = RandomTensor(channel, 17, 0.5f, 1.5f), beta = RandomTensor(channel, 18);
  Tensor rm(channel), rv = RandomTensor(channel, 19, 0.5f, 1.0f), y(shape), eval(shape);
  Tensor mean(channel), inv_std(channel), dx(shape), dgamma(channel), dbeta(channel);
  Tensor grm = rm.To(kGpu), grv = rv.To(kGpu);
  cnn::BatchNormForwardTrain({}, x, gamma, beta, rm, rv, y, mean, inv_std);
  cnn::BatchNormForwardEval({}, x, gamma, beta, rm, rv, eval);
  cnn::BatchNormBackward(x, gamma, mean, inv_std, dy, dx, dgamma, dbeta);
  Tensor gx = x.To(kGpu), gdy = dy.To(kGpu), ggamma = gamma.To(kGpu), gbeta = beta.To(kGpu);
  Tensor gy(shape, kGpu), geval(shape, kGpu), gmean(channel, kGpu), ginv(channel, kGpu);
  Tensor gdx(shape, kGpu), gdgamma(channel, kGpu), gdbeta(channel, kGpu);
  cnn::BatchNormForwardTrain({}, gx, ggamma, gbeta, grm, grv, gy, gmean, ginv);
  cnn::BatchNormForwardEval({}, gx, ggamma, gbeta, grm, grv, geval);
  cnn::BatchNormBackward(gx, ggamma, gmean, ginv, gdy, gdx, gdgamma, gdbeta);
  ExpectClose(gy, y, "bn y");
  ExpectClose(grm, rm, "bn running mean");
  ExpectClose(grv, rv, "bn running var");
  ExpectClose(geval, eval, "bn eval y");
  ExpectClose(gdx, dx, "bn dx");
  ExpectClose(gdgamma, dgamma, "bn dgamma");
  ExpectClose(gdbeta, dbeta, "bn dbeta");
}

CTP_CUDA_TEST_CASE("cuda parity: softmax cross-entropy and accuracy count") {
  Tensor logits = RandomTensor({32, 10, 1, 1}, 20, -4.0f, 4.0f), dlogits(logits.shape());
  std::vector<float> label_values(32);
  for (int i = 0; i < 32; ++i) label_values[i] = float((i * 7) % 10);
  Tensor labels = Tensor::FromHost({32, 1, 1, 1}, label_values);
  const float loss = cnn::SoftmaxCrossEntropy(logits, labels, dlogits);
  Tensor glogits = logits.To(kGpu), glabels = labels.To(kGpu), gdlogits(logits.shape(), kGpu);
  CHECK(cnn::SoftmaxCrossEntropy(glogits, glabels, gdlogits) ==
        doctest::Approx(loss).epsilon(1e-5));
  ExpectClose(gdlogits, dlogits, "xent dlogits", 1e-6f, 1e-4f);
  CHECK(cnn::CountCorrect(glogits, glabels) == cnn::CountCorrect(logits, labels));
}

CTP_CUDA_TEST_CASE("cuda parity: SGD and Adam steps") {
  const Shape shape{33, 7, 1, 1};
  Tensor p = RandomTensor(shape, 21), grad = RandomTensor(shape, 22);
  Tensor gp = p.To(kGpu), ggrad = grad.To(kGpu);
  Tensor buf(shape), gbuf(shape, kGpu), m(shape), v(shape), gm(shape, kGpu), gv(shape, kGpu);
  const cnn::SgdOptions sgd{.momentum = 0.9f, .weight_decay = 1e-2f, .nesterov = true};
  const cnn::AdamOptions adam{.weight_decay = 1e-2f, .decoupled_weight_decay = true};
  for (int step = 1; step <= 3; ++step) {
    cnn::SgdStep(sgd, 0.1f, step, p, grad, buf);
    cnn::SgdStep(sgd, 0.1f, step, gp, ggrad, gbuf);
    cnn::AdamStep(adam, 0.01f, step, p, grad, m, v);
    cnn::AdamStep(adam, 0.01f, step, gp, ggrad, gm, gv);
  }
  ExpectClose(gp, p, "param", 1e-6f, 1e-5f);
  ExpectClose(gbuf, buf, "momentum", 1e-6f, 1e-5f);
  ExpectClose(gv, v, "adam v", 1e-7f, 1e-5f);
}
