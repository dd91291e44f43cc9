// Conv2d on the CPU: per-image im2col + single-threaded sgemm, images split across threads, so
// each image's column matrix stays in the core's cache (see docs/kernels-cnn.md).
#include "ctp/kernels/cnn/conv2d.h"

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "cpu_parallel.h"
#include "cuda_ops.h"
#include "gemm.h"

namespace ctp::kernels::cnn {
namespace {

/// The sizes of one image's convolution as a GEMM.
struct ConvProblem {
  int in_channels, height, width;  // input image
  int out_channels, out_h, out_w;  // output image
  int kernel, stride, padding;
  int ColRows() const { return in_channels * kernel * kernel; }
  int ColCols() const { return out_h * out_w; }
};

ConvProblem MakeProblem(const Conv2dGeometry& g, const Shape& x, const Shape& weight) {
  Shape y = Conv2dOutputShape(x, weight, g);
  return {x.c, x.h, x.w, y.c, y.h, y.w, g.kernel, g.stride, g.padding};
}

/// The output columns j whose input column j·s − p + kx lies inside [0, width): [first, last).
struct ValidColumns {
  int first, last;
};
ValidColumns ColumnsInside(const ConvProblem& p, int kx) {
  // j·s − p + kx ≥ 0  ⇔  j ≥ ⌈(p − kx)/s⌉;   j·s − p + kx < width  ⇔  j < ⌈(width + p − kx)/s⌉.
  auto ceil_div = [](int a, int b) { return a <= 0 ? 0 : (a + b - 1) / b; };
  const int first = std::min(ceil_div(p.padding - kx, p.stride), p.out_w);
  const int last = std::clamp(ceil_div(p.width + p.padding - kx, p.stride), first, p.out_w);
  return {first, last};
}

/// col[(ci·K + ky)·K + kx][i·Wo + j] = image[ci][i·s − p + ky][j·s − p + kx], 0 outside.
void Im2Col(const ConvProblem& p, const float* image, float* col) {
  for (int ci = 0; ci < p.in_channels; ++ci) {
    const float* plane = image + std::size_t(ci) * p.height * p.width;
    for (int ky = 0; ky < p.kernel; ++ky) {
      for (int kx = 0; kx < p.kernel; ++kx) {
        const ValidColumns valid = ColumnsInside(p, kx);
        for (int i = 0; i < p.out_h; ++i, col += p.out_w) {
          const int row = i * p.stride - p.padding + ky;
          if (row < 0 || row >= p.height) {
            std::fill_n(col, p.out_w, 0.0f);
            continue;
          }
          const float* source = plane + row * p.width;
          const int shift = kx - p.padding;  // input column of output column j: j·s + shift
          std::fill_n(col, valid.first, 0.0f);
          if (p.stride == 1) {
            std::copy(source + valid.first + shift, source + valid.last + shift, col + valid.first);
          } else {
            for (int j = valid.first; j < valid.last; ++j) col[j] = source[j * p.stride + shift];
          }
          std::fill(col + valid.last, col + p.out_w, 0.0f);
        }
      }
    }
  }
}

/// The adjoint of Im2Col: image (zeroed first) accumulates every col entry at its source pixel.
void Col2Im(const ConvProblem& p, const float* col, float* image) {
  std::fill_n(image, std::size_t(p.in_channels) * p.height * p.width, 0.0f);
  for (int ci = 0; ci < p.in_channels; ++ci) {
    float* plane = image + std::size_t(ci) * p.height * p.width;
    for (int ky = 0; ky < p.kernel; ++ky) {
      for (int kx = 0; kx < p.kernel; ++kx) {
        const ValidColumns valid = ColumnsInside(p, kx);
        for (int i = 0; i < p.out_h; ++i, col += p.out_w) {
          const int row = i * p.stride - p.padding + ky;
          if (row < 0 || row >= p.height) continue;
          float* target = plane + row * p.width;
          const int shift = kx - p.padding;
          for (int j = valid.first; j < valid.last; ++j) target[j * p.stride + shift] += col[j];
        }
      }
    }
  }
}

/// A per-thread scratch buffer of at least `count` floats, reused across calls.
float* ColumnBuffer(std::size_t count) {
  thread_local std::vector<float> buffer;
  if (buffer.size() < count) buffer.resize(count);
  return buffer.data();
}

std::size_t ImageFlops(const ConvProblem& p) {
  return 2 * std::size_t(p.out_channels) * p.ColRows() * p.ColCols();
}

void ForwardCpu(const ConvProblem& p, const Tensor& x, const Tensor& weight, Tensor& y) {
  detail::ScopedSingleThreadedBlas single_threaded_blas;
  const std::size_t images = std::size_t(x.shape().n);
  detail::ParallelFor(images, ImageFlops(p), [&](std::size_t begin, std::size_t end) {
    float* col = ColumnBuffer(std::size_t(p.ColRows()) * p.ColCols());
    for (std::size_t n = begin; n < end; ++n) {
      const float* image = x.data() + n * x.shape().ItemCount();
      // A 1×1, stride-1, unpadded convolution's column matrix is the image itself.
      const bool identity = p.kernel == 1 && p.stride == 1 && p.padding == 0;
      if (!identity) Im2Col(p, image, col);
      detail::GemmCpu(false, false, p.out_channels, p.ColCols(), p.ColRows(), 1.0f, weight.data(),
                      identity ? image : col, 0.0f, y.data() + n * y.shape().ItemCount());
    }
  });
}

void BackwardCpu(const ConvProblem& p, const Tensor& x, const Tensor& weight, const Tensor& dy,
                 Tensor* dx, Tensor& dweight) {
  detail::ScopedSingleThreadedBlas single_threaded_blas;
  const std::size_t images = std::size_t(x.shape().n);
  const std::size_t weight_count = weight.size();
  const int chunks = detail::ChunkCount(images, 3 * ImageFlops(p));
  // Chunk 0 accumulates into dweight itself, chunk c > 0 into partial c − 1; summed in order.
  std::vector<float> partials(weight_count * (chunks - 1), 0.0f);
  dweight.SetZero();
  detail::ParallelChunks(chunks, images, [&](int chunk, std::size_t begin, std::size_t end) {
    float* dw = chunk == 0 ? dweight.data() : partials.data() + weight_count * (chunk - 1);
    float* col = ColumnBuffer(std::size_t(p.ColRows()) * p.ColCols());
    for (std::size_t n = begin; n < end; ++n) {
      const float* dy_n = dy.data() + n * dy.shape().ItemCount();
      Im2Col(p, x.data() + n * x.shape().ItemCount(), col);
      detail::GemmCpu(false, true, p.out_channels, p.ColRows(), p.ColCols(), 1.0f, dy_n, col, 1.0f,
                      dw);
      if (dx == nullptr) continue;
      detail::GemmCpu(true, false, p.ColRows(), p.ColCols(), p.out_channels, 1.0f, weight.data(),
                      dy_n, 0.0f, col);
      Col2Im(p, col, dx->data() + n * x.shape().ItemCount());
    }
  });
  for (int chunk = 1; chunk < chunks; ++chunk) {
    const float* partial = partials.data() + weight_count * (chunk - 1);
    for (std::size_t i = 0; i < weight_count; ++i) dweight.data()[i] += partial[i];
  }
}

}  // namespace

Shape Conv2dOutputShape(const Shape& x, const Shape& weight, const Conv2dGeometry& g) {
  if (g.kernel < 1 || g.stride < 1 || g.padding < 0)
    throw std::invalid_argument("Conv2d: kernel and stride must be >= 1, padding >= 0");
  if (weight.c != x.c || weight.h != g.kernel || weight.w != g.kernel)
    throw std::invalid_argument("Conv2d: weight " + weight.ToString() + " does not fit input " +
                                x.ToString() + " with kernel " + std::to_string(g.kernel));
  int out_h = (x.h + 2 * g.padding - g.kernel) / g.stride + 1;
  int out_w = (x.w + 2 * g.padding - g.kernel) / g.stride + 1;
  if (x.h + 2 * g.padding < g.kernel || x.w + 2 * g.padding < g.kernel)
    throw std::invalid_argument("Conv2d: kernel larger than padded input " + x.ToString());
  return {x.n, weight.n, out_h, out_w};
}

void Conv2dForward(const Conv2dGeometry& geometry, const Tensor& x, const Tensor& weight,
                   Tensor& y) {
  CheckShape(y, Conv2dOutputShape(x.shape(), weight.shape(), geometry), "Conv2dForward y");
  CheckDevice(x.device(), {&weight, &y});
#ifdef CTP_HAVE_CUDA
  if (x.device() == Device::kCuda) return cuda::Conv2dForward(geometry, x, weight, y);
#endif
  ForwardCpu(MakeProblem(geometry, x.shape(), weight.shape()), x, weight, y);
}

void Conv2dBackward(const Conv2dGeometry& geometry, const Tensor& x, const Tensor& weight,
                    const Tensor& dy, Tensor* dx, Tensor& dweight) {
  CheckShape(dy, Conv2dOutputShape(x.shape(), weight.shape(), geometry), "Conv2dBackward dy");
  CheckShape(dweight, weight.shape(), "Conv2dBackward dweight");
  if (dx != nullptr) CheckShape(*dx, x.shape(), "Conv2dBackward dx");
  CheckDevice(x.device(), {&weight, &dy, dx, &dweight});
#ifdef CTP_HAVE_CUDA
  if (x.device() == Device::kCuda)
    return cuda::Conv2dBackward(geometry, x, weight, dy, dx, dweight);
#endif
  BackwardCpu(MakeProblem(geometry, x.shape(), weight.shape()), x, weight, dy, dx, dweight);
}

}  // namespace ctp::kernels::cnn
