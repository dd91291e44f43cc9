#include "ctp/kernels/cnn/residual_add.h"

#include <stdexcept>

#include "cpu_parallel.h"
#include "cuda_ops.h"

namespace ctp::kernels::cnn {

void ResidualAddForward(const Tensor& a, const Tensor& b, Tensor& y) {
  CheckShape(b, a.shape(), "ResidualAddForward b");
  CheckShape(y, a.shape(), "ResidualAddForward y");
  CheckDevice(a.device(), {&b, &y});
#ifdef CTP_HAVE_CUDA
  if (a.device() == Device::kCuda) return cuda::ResidualAddForward(a, b, y);
#endif
  detail::ParallelFor(a.size(), 1, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) y.data()[i] = a.data()[i] + b.data()[i];
  });
}

void ResidualAddBackward(const Tensor& dy, Tensor& dx) {
  if (dx.size() != dy.size())
    throw std::invalid_argument("ResidualAddBackward: dy " + dy.shape().ToString() + " vs dx " +
                                dx.shape().ToString());
  CheckDevice(dy.device(), {&dx});
#ifdef CTP_HAVE_CUDA
  if (dy.device() == Device::kCuda) return cuda::ResidualAddBackward(dy, dx);
#endif
  detail::ParallelFor(dy.size(), 1, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) dx.data()[i] += dy.data()[i];
  });
}

}  // namespace ctp::kernels::cnn
