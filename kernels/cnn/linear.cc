// Linear: whole-batch GEMMs. On the CPU each product is split into row blocks run by our own
// thread pool with single-threaded OpenBLAS (OpenBLAS's own threads would spin beside ours and
// oversubscribe the cores); cuBLAS on the device, so there is no separate CUDA file.
#include "ctp/kernels/cnn/linear.h"

#include <functional>
#include <stdexcept>

#include "cpu_parallel.h"
#include "gemm.h"

namespace ctp::kernels::cnn {
namespace {

void CheckLinear(const Tensor& x, const Tensor& weight) {
  const Shape& w = weight.shape();
  if (w.h != 1 || w.w != 1 || std::size_t(w.c) != x.shape().ItemCount())
    throw std::invalid_argument("Linear: weight " + w.ToString() + " does not fit input " +
                                x.shape().ToString());
}

/// C rows [r0, r1) of a row-blocked product, one block per thread: body(r0, r1).
void ForRowBlocks(int rows, std::size_t flops_per_row,
                  const std::function<void(int first, int last)>& body) {
  detail::ScopedSingleThreadedBlas single_threaded_blas;
  detail::ParallelFor(std::size_t(rows), flops_per_row,
                      [&](std::size_t begin, std::size_t end) { body(int(begin), int(end)); });
}

}  // namespace

void LinearForward(const Tensor& x, const Tensor& weight, Tensor& y) {
  CheckLinear(x, weight);
  const int batch = x.shape().n, in = weight.shape().c, out = weight.shape().n;
  CheckShape(y, {batch, out, 1, 1}, "LinearForward y");
  CheckDevice(x.device(), {&weight, &y});
  if (x.device() == Device::kCuda)
    return detail::Gemm(x.device(), false, true, batch, out, in, 1.0f, x.data(), weight.data(),
                        0.0f, y.data());
  // y rows = batch rows.
  ForRowBlocks(batch, 2 * std::size_t(in) * out, [&](int first, int last) {
    detail::GemmCpuStrided(false, true, last - first, out, in, 1.0f,
                           x.data() + std::size_t(first) * in, in, weight.data(), in, 0.0f,
                           y.data() + std::size_t(first) * out, out);
  });
}

void LinearBackward(const Tensor& x, const Tensor& weight, const Tensor& dy, Tensor* dx,
                    Tensor& dweight) {
  CheckLinear(x, weight);
  const int batch = x.shape().n, in = weight.shape().c, out = weight.shape().n;
  CheckShape(dy, {batch, out, 1, 1}, "LinearBackward dy");
  CheckShape(dweight, weight.shape(), "LinearBackward dweight");
  if (dx != nullptr) CheckShape(*dx, x.shape(), "LinearBackward dx");
  CheckDevice(x.device(), {&weight, &dy, dx, &dweight});
  if (x.device() == Device::kCuda) {
    detail::Gemm(x.device(), true, false, out, in, batch, 1.0f, dy.data(), x.data(), 0.0f,
                 dweight.data());
    if (dx != nullptr)
      detail::Gemm(x.device(), false, false, batch, in, out, 1.0f, dy.data(), weight.data(), 0.0f,
                   dx->data());
    return;
  }
  // dW rows = output features: dW[o0:o1] = dy[:, o0:o1]ᵀ · x.
  ForRowBlocks(out, 2 * std::size_t(in) * batch, [&](int first, int last) {
    detail::GemmCpuStrided(true, false, last - first, in, batch, 1.0f, dy.data() + first, out,
                           x.data(), in, 0.0f, dweight.data() + std::size_t(first) * in, in);
  });
  // dx rows = batch rows: dx[n0:n1] = dy[n0:n1] · W.
  if (dx != nullptr)
    ForRowBlocks(batch, 2 * std::size_t(in) * out, [&](int first, int last) {
      detail::GemmCpuStrided(false, false, last - first, in, out, 1.0f,
                             dy.data() + std::size_t(first) * out, out, weight.data(), in, 0.0f,
                             dx->data() + std::size_t(first) * in, in);
    });
}

}  // namespace ctp::kernels::cnn
