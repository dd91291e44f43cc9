#include "cuda_common.cuh"
#include "cuda_ops.h"
#include "shared_math.h"

namespace ctp::kernels::cnn::cuda {

void MaxPoolForward(const PoolGeometry& g, const Tensor& x, Tensor& y) {
  const Shape in = x.shape(), out = y.shape();
  const float* source = x.data();
  float* pooled = y.data();
  const int k = g.kernel, s = g.stride;
  ForEachIndex(y.size(), [=] __device__(std::size_t index) {
    const int j = int(index % out.w), i = int((index / out.w) % out.h);
    const float* plane = source + (index / (std::size_t(out.w) * out.h)) * in.h * in.w;
    pooled[index] = plane[detail::WindowArgMax(plane, in.w, i * s, j * s, k)];
  });
}

void MaxPoolBackward(const PoolGeometry& g, const Tensor& x, const Tensor& dy, Tensor& dx) {
  const Shape in = x.shape(), out = dy.shape();
  const float *source = x.data(), *upstream = dy.data();
  float* gradient = dx.data();
  const int k = g.kernel, s = g.stride;
  // Gather: each input pixel sums dy over the windows that contain it and chose it.
  ForEachIndex(x.size(), [=] __device__(std::size_t index) {
    const int col = int(index % in.w), row = int((index / in.w) % in.h);
    const std::size_t plane_index = index / (std::size_t(in.w) * in.h);
    const float* plane = source + plane_index * in.h * in.w;
    const float* plane_dy = upstream + plane_index * out.h * out.w;
    const int offset = row * in.w + col;
    const int i_first = row < k ? 0 : (row - k) / s + 1, i_last = min(row / s, out.h - 1);
    const int j_first = col < k ? 0 : (col - k) / s + 1, j_last = min(col / s, out.w - 1);
    float sum = 0.0f;
    for (int i = i_first; i <= i_last; ++i)
      for (int j = j_first; j <= j_last; ++j)
        if (detail::WindowArgMax(plane, in.w, i * s, j * s, k) == offset)
          sum += plane_dy[i * out.w + j];
    gradient[index] = sum;
  });
}

}  // namespace ctp::kernels::cnn::cuda
