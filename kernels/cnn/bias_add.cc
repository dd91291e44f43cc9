#include "ctp/kernels/cnn/bias_add.h"

#include <stdexcept>

#include "cpu_parallel.h"
#include "cuda_ops.h"

namespace ctp::kernels::cnn {
namespace {

void CheckBias(const Tensor& bias, const Shape& y) {
  CheckShape(bias, {y.c, 1, 1, 1}, "BiasAdd bias");
}

}  // namespace

void BiasAddForward(const Tensor& bias, Tensor& y) {
  CheckBias(bias, y.shape());
  CheckDevice(y.device(), {&bias});
#ifdef CTP_HAVE_CUDA
  if (y.device() == Device::kCuda) return cuda::BiasAddForward(bias, y);
#endif
  const std::size_t plane = std::size_t(y.shape().h) * y.shape().w;
  const int channels = y.shape().c;
  detail::ParallelFor(y.shape().n, y.shape().ItemCount(), [&](std::size_t begin, std::size_t end) {
    for (std::size_t n = begin; n < end; ++n) {
      for (int c = 0; c < channels; ++c) {
        float* values = y.data() + (n * channels + c) * plane;
        const float b = bias.data()[c];
        for (std::size_t i = 0; i < plane; ++i) values[i] += b;
      }
    }
  });
}

void BiasAddBackward(const Tensor& dy, Tensor& dbias) {
  CheckBias(dbias, dy.shape());
  CheckDevice(dy.device(), {&dbias});
#ifdef CTP_HAVE_CUDA
  if (dy.device() == Device::kCuda) return cuda::BiasAddBackward(dy, dbias);
#endif
  const std::size_t plane = std::size_t(dy.shape().h) * dy.shape().w;
  const int channels = dy.shape().c;
  const std::size_t batch = dy.shape().n;
  // Channels split across threads; each channel sums its planes in image order (in double).
  detail::ParallelFor(channels, batch * plane, [&](std::size_t begin, std::size_t end) {
    for (std::size_t c = begin; c < end; ++c) {
      double sum = 0.0;
      for (std::size_t n = 0; n < batch; ++n) {
        const float* values = dy.data() + (n * channels + c) * plane;
        for (std::size_t i = 0; i < plane; ++i) sum += values[i];
      }
      dbias.data()[c] = float(sum);
    }
  });
}

}  // namespace ctp::kernels::cnn
