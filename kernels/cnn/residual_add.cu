#include "cuda_common.cuh"
#include "cuda_ops.h"

namespace ctp::kernels::cnn::cuda {

void ResidualAddForward(const Tensor& a, const Tensor& b, Tensor& y) {
  const float *first = a.data(), *second = b.data();
  float* out = y.data();
  ForEachIndex(a.size(), [=] __device__(std::size_t i) { out[i] = first[i] + second[i]; });
}

void ResidualAddBackward(const Tensor& dy, Tensor& dx) {
  const float* upstream = dy.data();
  float* gradient = dx.data();
  ForEachIndex(dy.size(), [=] __device__(std::size_t i) { gradient[i] += upstream[i]; });
}

}  // namespace ctp::kernels::cnn::cuda
