#include "ctp/kernels/cnn/max_pool.h"

#include <algorithm>
#include <stdexcept>

#include "cpu_parallel.h"
#include "cuda_ops.h"
#include "shared_math.h"

namespace ctp::kernels::cnn {
namespace {

/// Offset in a plane of `width` columns of the first maximum of the 2×2 window at (2i, 2j): the
/// common kernel 2, stride 2 case of detail::WindowArgMax, unrolled.
inline int ArgMax2x2(const float* plane, int width, int i, int j) {
  const int top = 2 * i * width + 2 * j, bottom = top + width;
  int best = top;
  if (plane[top + 1] > plane[best]) best = top + 1;
  if (plane[bottom] > plane[best]) best = bottom;
  if (plane[bottom + 1] > plane[best]) best = bottom + 1;
  return best;
}

}  // namespace

Shape MaxPoolOutputShape(const Shape& x, const PoolGeometry& g) {
  if (g.kernel < 1 || g.stride < 1 || g.kernel > x.h || g.kernel > x.w)
    throw std::invalid_argument("MaxPool: kernel " + std::to_string(g.kernel) + ", stride " +
                                std::to_string(g.stride) + " do not fit input " + x.ToString());
  return {x.n, x.c, (x.h - g.kernel) / g.stride + 1, (x.w - g.kernel) / g.stride + 1};
}

void MaxPoolForward(const PoolGeometry& g, const Tensor& x, Tensor& y) {
  const Shape out = MaxPoolOutputShape(x.shape(), g);
  CheckShape(y, out, "MaxPoolForward y");
  CheckDevice(x.device(), {&y});
#ifdef CTP_HAVE_CUDA
  if (x.device() == Device::kCuda) return cuda::MaxPoolForward(g, x, y);
#endif
  const int width = x.shape().w;
  const std::size_t in_plane = std::size_t(x.shape().h) * width, out_plane = out.h * out.w;
  detail::ParallelFor(
      std::size_t(out.n) * out.c, in_plane, [&](std::size_t begin, std::size_t end) {
        for (std::size_t p = begin; p < end; ++p) {
          const float* plane = x.data() + p * in_plane;
          float* pooled = y.data() + p * out_plane;
          if (g.kernel == 2 && g.stride == 2) {
            for (int i = 0; i < out.h; ++i)
              for (int j = 0; j < out.w; ++j)
                pooled[i * out.w + j] = plane[ArgMax2x2(plane, width, i, j)];
            continue;
          }
          for (int i = 0; i < out.h; ++i)
            for (int j = 0; j < out.w; ++j)
              pooled[i * out.w + j] =
                  plane[detail::WindowArgMax(plane, width, i * g.stride, j * g.stride, g.kernel)];
        }
      });
}

void MaxPoolBackward(const PoolGeometry& g, const Tensor& x, const Tensor& dy, Tensor& dx) {
  const Shape out = MaxPoolOutputShape(x.shape(), g);
  CheckShape(dy, out, "MaxPoolBackward dy");
  CheckShape(dx, x.shape(), "MaxPoolBackward dx");
  CheckDevice(x.device(), {&dy, &dx});
#ifdef CTP_HAVE_CUDA
  if (x.device() == Device::kCuda) return cuda::MaxPoolBackward(g, x, dy, dx);
#endif
  const int width = x.shape().w;
  const std::size_t in_plane = std::size_t(x.shape().h) * width, out_plane = out.h * out.w;
  detail::ParallelFor(
      std::size_t(out.n) * out.c, in_plane, [&](std::size_t begin, std::size_t end) {
        for (std::size_t p = begin; p < end; ++p) {
          const float* plane = x.data() + p * in_plane;
          const float* upstream = dy.data() + p * out_plane;
          float* gradient = dx.data() + p * in_plane;
          std::fill_n(gradient, in_plane, 0.0f);
          if (g.kernel == 2 && g.stride == 2) {
            for (int i = 0; i < out.h; ++i)
              for (int j = 0; j < out.w; ++j)
                gradient[ArgMax2x2(plane, width, i, j)] = upstream[i * out.w + j];
            continue;
          }
          for (int i = 0; i < out.h; ++i)
            for (int j = 0; j < out.w; ++j)
              gradient[detail::WindowArgMax(plane, width, i * g.stride, j * g.stride, g.kernel)] +=
                  upstream[i * out.w + j];
        }
      });
}

}  // namespace ctp::kernels::cnn
