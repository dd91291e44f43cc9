#include "ctp/kernels/cnn/relu.h"

#include "cpu_parallel.h"
#include "cuda_ops.h"

namespace ctp::kernels::cnn {

void ReluForward(const Tensor& x, Tensor& y) {
  CheckShape(y, x.shape(), "ReluForward y");
  CheckDevice(x.device(), {&y});
#ifdef CTP_HAVE_CUDA
  if (x.device() == Device::kCuda) return cuda::ReluForward(x, y);
#endif
  detail::ParallelFor(x.size(), 1, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) y.data()[i] = x.data()[i] > 0.0f ? x.data()[i] : 0.0f;
  });
}

void ReluBackward(const Tensor& y, const Tensor& dy, Tensor& dx) {
  CheckShape(dy, y.shape(), "ReluBackward dy");
  CheckShape(dx, y.shape(), "ReluBackward dx");
  CheckDevice(y.device(), {&dy, &dx});
#ifdef CTP_HAVE_CUDA
  if (y.device() == Device::kCuda) return cuda::ReluBackward(y, dy, dx);
#endif
  detail::ParallelFor(y.size(), 1, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i)
      dx.data()[i] = y.data()[i] > 0.0f ? dy.data()[i] : 0.0f;
  });
}

}  // namespace ctp::kernels::cnn
