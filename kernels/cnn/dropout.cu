#include "cuda_common.cuh"
#include "cuda_ops.h"
#include "shared_math.h"

namespace ctp::kernels::cnn::cuda {
namespace {

void ApplyMask(float p, std::uint64_t seed, const Tensor& in, Tensor& out) {
  const float* source = in.data();
  float* target = out.data();
  ForEachIndex(in.size(), [=] __device__(std::size_t i) {
    target[i] = source[i] * detail::DropoutScale(p, seed, i);
  });
}

}  // namespace

void DropoutForward(float p, std::uint64_t seed, const Tensor& x, Tensor& y) {
  ApplyMask(p, seed, x, y);
}

void DropoutBackward(float p, std::uint64_t seed, const Tensor& dy, Tensor& dx) {
  ApplyMask(p, seed, dy, dx);
}

}  // namespace ctp::kernels::cnn::cuda
