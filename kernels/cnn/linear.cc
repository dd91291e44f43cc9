// Linear: one whole-batch GEMM per product; OpenBLAS (threaded by itself) on the CPU, cuBLAS on
// the device, so there is no separate CUDA file.
#include "ctp/kernels/cnn/linear.h"

#include <stdexcept>

#include "gemm.h"

namespace ctp::kernels::cnn {
namespace {

void CheckLinear(const Tensor& x, const Tensor& weight) {
  const Shape& w = weight.shape();
  if (w.h != 1 || w.w != 1 || std::size_t(w.c) != x.shape().ItemCount())
    throw std::invalid_argument("Linear: weight " + w.ToString() + " does not fit input " +
                                x.shape().ToString());
}

}  // namespace

void LinearForward(const Tensor& x, const Tensor& weight, Tensor& y) {
  CheckLinear(x, weight);
  const int batch = x.shape().n, in = weight.shape().c, out = weight.shape().n;
  CheckShape(y, {batch, out, 1, 1}, "LinearForward y");
  CheckDevice(x.device(), {&weight, &y});
  detail::Gemm(x.device(), false, true, batch, out, in, 1.0f, x.data(), weight.data(), 0.0f,
               y.data());
}

void LinearBackward(const Tensor& x, const Tensor& weight, const Tensor& dy, Tensor* dx,
                    Tensor& dweight) {
  CheckLinear(x, weight);
  const int batch = x.shape().n, in = weight.shape().c, out = weight.shape().n;
  CheckShape(dy, {batch, out, 1, 1}, "LinearBackward dy");
  CheckShape(dweight, weight.shape(), "LinearBackward dweight");
  if (dx != nullptr) CheckShape(*dx, x.shape(), "LinearBackward dx");
  CheckDevice(x.device(), {&weight, &dy, dx, &dweight});
  detail::Gemm(x.device(), true, false, out, in, batch, 1.0f, dy.data(), x.data(), 0.0f,
               dweight.data());
  if (dx != nullptr)
    detail::Gemm(x.device(), false, false, batch, in, out, 1.0f, dy.data(), weight.data(), 0.0f,
                 dx->data());
}

}  // namespace ctp::kernels::cnn
