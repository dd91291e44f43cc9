#include "ctp/kernels/cnn/random.h"
#include "cuda_common.cuh"
#include "cuda_ops.h"

namespace ctp::kernels::cnn::cuda {

void FillUniform(Tensor& tensor, float low, float high, std::uint64_t seed) {
  float* values = tensor.data();
  ForEachIndex(tensor.size(), [=] __device__(std::size_t i) {
    values[i] = low + (high - low) * CounterUniform(seed, i);
  });
}

}  // namespace ctp::kernels::cnn::cuda
