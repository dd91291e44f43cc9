#include "ctp/kernels/cnn/dropout.h"

#include <stdexcept>
#include <string>

#include "cpu_parallel.h"
#include "cuda_ops.h"
#include "shared_math.h"

namespace ctp::kernels::cnn {
namespace {

void CheckDropout(float p, const Tensor& in, const Tensor& out, const char* what) {
  if (!(p >= 0.0f && p < 1.0f))
    throw std::invalid_argument(std::string(what) + ": p must be in [0, 1), got " +
                                std::to_string(p));
  CheckShape(out, in.shape(), what);
  CheckDevice(in.device(), {&out});
}

/// out[i] = in[i] · DropoutScale(p, seed, i): the forward and the backward apply the same mask.
void ApplyMaskCpu(float p, std::uint64_t seed, const Tensor& in, Tensor& out) {
  detail::ParallelFor(in.size(), 4, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i)
      out.data()[i] = in.data()[i] * detail::DropoutScale(p, seed, i);
  });
}

}  // namespace

void DropoutForward(float p, std::uint64_t seed, const Tensor& x, Tensor& y) {
  CheckDropout(p, x, y, "DropoutForward");
#ifdef CTP_HAVE_CUDA
  if (x.device() == Device::kCuda) return cuda::DropoutForward(p, seed, x, y);
#endif
  ApplyMaskCpu(p, seed, x, y);
}

void DropoutBackward(float p, std::uint64_t seed, const Tensor& dy, Tensor& dx) {
  CheckDropout(p, dy, dx, "DropoutBackward");
#ifdef CTP_HAVE_CUDA
  if (dy.device() == Device::kCuda) return cuda::DropoutBackward(p, seed, dy, dx);
#endif
  ApplyMaskCpu(p, seed, dy, dx);
}

}  // namespace ctp::kernels::cnn
