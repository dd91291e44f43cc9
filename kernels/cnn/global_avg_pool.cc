#include "ctp/kernels/cnn/global_avg_pool.h"

#include "cpu_parallel.h"
#include "cuda_ops.h"

namespace ctp::kernels::cnn {

void GlobalAvgPoolForward(const Tensor& x, Tensor& y) {
  const Shape& in = x.shape();
  CheckShape(y, {in.n, in.c, 1, 1}, "GlobalAvgPoolForward y");
  CheckDevice(x.device(), {&y});
#ifdef CTP_HAVE_CUDA
  if (x.device() == Device::kCuda) return cuda::GlobalAvgPoolForward(x, y);
#endif
  const std::size_t plane = std::size_t(in.h) * in.w;
  detail::ParallelFor(std::size_t(in.n) * in.c, plane, [&](std::size_t begin, std::size_t end) {
    for (std::size_t p = begin; p < end; ++p) {
      double sum = 0.0;
      for (std::size_t i = 0; i < plane; ++i) sum += x.data()[p * plane + i];
      y.data()[p] = float(sum / double(plane));
    }
  });
}

void GlobalAvgPoolBackward(const Tensor& dy, Tensor& dx) {
  const Shape& in = dx.shape();
  CheckShape(dy, {in.n, in.c, 1, 1}, "GlobalAvgPoolBackward dy");
  CheckDevice(dy.device(), {&dx});
#ifdef CTP_HAVE_CUDA
  if (dy.device() == Device::kCuda) return cuda::GlobalAvgPoolBackward(dy, dx);
#endif
  const std::size_t plane = std::size_t(in.h) * in.w;
  detail::ParallelFor(std::size_t(in.n) * in.c, plane, [&](std::size_t begin, std::size_t end) {
    for (std::size_t p = begin; p < end; ++p) {
      const float share = dy.data()[p] / float(plane);
      for (std::size_t i = 0; i < plane; ++i) dx.data()[p * plane + i] = share;
    }
  });
}

}  // namespace ctp::kernels::cnn
