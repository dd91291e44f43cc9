#include "ctp/kernels/cnn/random.h"

#include "cpu_parallel.h"
#include "ctp/kernels/cnn/tensor.h"
#include "cuda_ops.h"

namespace ctp::kernels::cnn {

void FillUniform(Tensor& tensor, float low, float high, std::uint64_t seed) {
#ifdef CTP_HAVE_CUDA
  if (tensor.device() == Device::kCuda) return cuda::FillUniform(tensor, low, high, seed);
#endif
  detail::ParallelFor(tensor.size(), 4, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i)
      tensor.data()[i] = low + (high - low) * CounterUniform(seed, i);
  });
}

}  // namespace ctp::kernels::cnn
