#include "cuda_common.cuh"
#include "cuda_ops.h"

namespace ctp::kernels::cnn::cuda {

void ReluForward(const Tensor& x, Tensor& y) {
  const float* in = x.data();
  float* out = y.data();
  ForEachIndex(x.size(), [=] __device__(std::size_t i) { out[i] = in[i] > 0.0f ? in[i] : 0.0f; });
}

void ReluBackward(const Tensor& y, const Tensor& dy, Tensor& dx) {
  const float *out = y.data(), *upstream = dy.data();
  float* gradient = dx.data();
  ForEachIndex(y.size(),
               [=] __device__(std::size_t i) { gradient[i] = out[i] > 0.0f ? upstream[i] : 0.0f; });
}

}  // namespace ctp::kernels::cnn::cuda
