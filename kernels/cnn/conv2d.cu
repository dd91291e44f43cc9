// Conv2d on the device: whole-batch im2col into col[Cin·K·K, N·Ho·Wo], then one cuBLAS GEMM per
// product; the GEMM's channel-major result [Cout, N, Ho·Wo] is permuted to NCHW and back.
#include "cuda_common.cuh"
#include "cuda_ops.h"

namespace ctp::kernels::cnn::cuda {
namespace {

/// Sizes of the batched convolution as a GEMM.
struct ConvDims {
  int batch, in_channels, height, width;
  int out_channels, out_h, out_w;
  int kernel, stride, padding;
  __host__ __device__ int ColRows() const { return in_channels * kernel * kernel; }
  __host__ __device__ std::size_t ColCols() const { return std::size_t(batch) * out_h * out_w; }
};

ConvDims MakeDims(const Conv2dGeometry& g, const Shape& x, const Shape& weight) {
  const Shape y = Conv2dOutputShape(x, weight, g);
  return {x.n, x.c, x.h, x.w, y.c, y.h, y.w, g.kernel, g.stride, g.padding};
}

/// col[(ci·K + ky)·K + kx][(n·Ho + i)·Wo + j] = x[n, ci, i·s − p + ky, j·s − p + kx] (0 outside).
__global__ void Im2ColKernel(ConvDims d, const float* x, float* col) {
  const std::size_t columns = d.ColCols();
  CTP_GRID_STRIDE_LOOP(index, std::size_t(d.ColRows()) * columns) {
    const std::size_t column = index % columns;
    const int row = int(index / columns);
    const int kx = row % d.kernel, ky = (row / d.kernel) % d.kernel,
              ci = row / (d.kernel * d.kernel);
    const int j = int(column % d.out_w), i = int((column / d.out_w) % d.out_h);
    const int n = int(column / (std::size_t(d.out_w) * d.out_h));
    const int y = i * d.stride - d.padding + ky, x_pos = j * d.stride - d.padding + kx;
    const bool inside = y >= 0 && y < d.height && x_pos >= 0 && x_pos < d.width;
    col[index] =
        inside ? x[((std::size_t(n) * d.in_channels + ci) * d.height + y) * d.width + x_pos] : 0.0f;
  }
}

/// The adjoint of Im2ColKernel as a gather: each input pixel sums the col entries it fed.
__global__ void Col2ImKernel(ConvDims d, const float* col, float* dx) {
  const std::size_t columns = d.ColCols();
  CTP_GRID_STRIDE_LOOP(index, std::size_t(d.batch) * d.in_channels * d.height * d.width) {
    const int x_pos = int(index % d.width), y = int((index / d.width) % d.height);
    const int ci = int((index / (std::size_t(d.width) * d.height)) % d.in_channels);
    const int n = int(index / (std::size_t(d.width) * d.height * d.in_channels));
    float sum = 0.0f;
    for (int ky = 0; ky < d.kernel; ++ky) {
      const int i_scaled = y + d.padding - ky;
      if (i_scaled < 0 || i_scaled % d.stride != 0 || i_scaled / d.stride >= d.out_h) continue;
      for (int kx = 0; kx < d.kernel; ++kx) {
        const int j_scaled = x_pos + d.padding - kx;
        if (j_scaled < 0 || j_scaled % d.stride != 0 || j_scaled / d.stride >= d.out_w) continue;
        const int row = (ci * d.kernel + ky) * d.kernel + kx;
        const std::size_t column =
            (std::size_t(n) * d.out_h + i_scaled / d.stride) * d.out_w + j_scaled / d.stride;
        sum += col[std::size_t(row) * columns + column];
      }
    }
    dx[index] = sum;
  }
}

/// dst[b][a][k] = src[a][b][k]: swaps the two leading dimensions of an [A][B][inner] array.
__global__ void SwapLeadingDimsKernel(const float* src, int a_count, int b_count, std::size_t inner,
                                      float* dst) {
  CTP_GRID_STRIDE_LOOP(index, std::size_t(a_count) * b_count * inner) {
    const std::size_t k = index % inner;
    const std::size_t b = (index / inner) % b_count, a = index / (inner * b_count);
    dst[(b * a_count + a) * inner + k] = src[index];
  }
}

void SwapLeadingDims(const float* src, int a_count, int b_count, std::size_t inner, float* dst) {
  SwapLeadingDimsKernel<<<BlocksFor(std::size_t(a_count) * b_count * inner), kBlockThreads>>>(
      src, a_count, b_count, inner, dst);
  CTP_CUDA_CHECK_LAUNCH();
}

void Im2Col(const ConvDims& d, const float* x, float* col) {
  Im2ColKernel<<<BlocksFor(std::size_t(d.ColRows()) * d.ColCols()), kBlockThreads>>>(d, x, col);
  CTP_CUDA_CHECK_LAUNCH();
}

}  // namespace

void Conv2dForward(const Conv2dGeometry& geometry, const Tensor& x, const Tensor& weight,
                   Tensor& y) {
  const ConvDims d = MakeDims(geometry, x.shape(), weight.shape());
  const std::size_t plane = std::size_t(d.out_h) * d.out_w;
  DeviceBuffer<float> col(std::size_t(d.ColRows()) * d.ColCols()), channel_major(y.size());
  Im2Col(d, x.data(), col.get());
  Gemm(false, false, d.out_channels, int(d.ColCols()), d.ColRows(), 1.0f, weight.data(), col.get(),
       0.0f, channel_major.get());
  SwapLeadingDims(channel_major.get(), d.out_channels, d.batch, plane, y.data());
}

void Conv2dBackward(const Conv2dGeometry& geometry, const Tensor& x, const Tensor& weight,
                    const Tensor& dy, Tensor* dx, Tensor& dweight) {
  const ConvDims d = MakeDims(geometry, x.shape(), weight.shape());
  const std::size_t plane = std::size_t(d.out_h) * d.out_w;
  DeviceBuffer<float> col(std::size_t(d.ColRows()) * d.ColCols()), dy_channel_major(dy.size());
  SwapLeadingDims(dy.data(), d.batch, d.out_channels, plane, dy_channel_major.get());
  Im2Col(d, x.data(), col.get());
  Gemm(false, true, d.out_channels, d.ColRows(), int(d.ColCols()), 1.0f, dy_channel_major.get(),
       col.get(), 0.0f, dweight.data());
  if (dx == nullptr) return;
  Gemm(true, false, d.ColRows(), int(d.ColCols()), d.out_channels, 1.0f, weight.data(),
       dy_channel_major.get(), 0.0f, col.get());
  Col2ImKernel<<<BlocksFor(dx->size()), kBlockThreads>>>(d, col.get(), dx->data());
  CTP_CUDA_CHECK_LAUNCH();
}

}  // namespace ctp::kernels::cnn::cuda
