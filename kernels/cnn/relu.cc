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
  const float* in = x.data();
  float* out = y.data();
  detail::ParallelFor(x.size(), 1, [=](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      const float v = in[i];
      out[i] = v > 0.0f ? v : 0.0f;
    }
  });
}

void ReluBackward(const Tensor& y, const Tensor& dy, Tensor& dx) {
  CheckShape(dy, y.shape(), "ReluBackward dy");
  CheckShape(dx, y.shape(), "ReluBackward dx");
  CheckDevice(y.device(), {&dy, &dx});
#ifdef CTP_HAVE_CUDA
  if (y.device() == Device::kCuda) return cuda::ReluBackward(y, dy, dx);
#endif
  const float* out = y.data();
  const float* upstream = dy.data();
  float* gradient = dx.data();
  detail::ParallelFor(y.size(), 1, [=](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      const float g = upstream[i];  // loaded unconditionally so that the loop vectorises
      gradient[i] = out[i] > 0.0f ? g : 0.0f;
    }
  });
}

}  // namespace ctp::kernels::cnn
