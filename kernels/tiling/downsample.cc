// CPU reference and launcher of the box-average downsample (downsample.h).
#include "ctp/kernels/tiling/downsample.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "checks.h"
#include "cuda_ops.h"

namespace ctp::kernels::tiling {

namespace {

// Below this factor a block's rounded sum (at most 255·f² + f²/2) divided by f² is exactly
// (sum · ⌈2³²/f²⌉) >> 32 (checked for every sum of every factor 1..63): a multiply, not a divide.
constexpr int kReciprocalFactors = 64;

// Values added per step of the column sums: a fixed count the compiler vectorises at -O2
// (GCC's cheap cost model leaves loops of unknown trip count scalar).
constexpr std::size_t kLanes = 16;

// sums[i] += row[i] for i < count.
void AddRow(unsigned* __restrict sums, const std::uint8_t* __restrict row, std::size_t count) {
  std::size_t i = 0;
  for (; i + kLanes <= count; i += kLanes)
    for (std::size_t k = 0; k < kLanes; ++k) sums[i + k] += row[i + k];
  for (; i < count; ++i) sums[i] += row[i];
}

// Rows are first summed column by column (contiguous, vectorised), then each block's columns.
// kFactor is the factor known to the compiler (the common small ones: unrolled block sums and a
// constant divisor), or 0 for `factor` at run time.
template <int kChannels, int kFactor>
void BoxDownsampleCpu(ConstImageU8 in, int runtime_factor, ImageU8 out) {
  const int factor = kFactor ? kFactor : runtime_factor;
  const unsigned area = static_cast<unsigned>(factor) * static_cast<unsigned>(factor);
  const std::uint64_t reciprocal = ((std::uint64_t{1} << 32) + area - 1) / area;
  const bool multiply = kFactor == 0 && factor < kReciprocalFactors;
  const std::size_t used = static_cast<std::size_t>(out.width) * factor * kChannels;
  std::vector<unsigned> columns(used);
  for (int y = 0; y < out.height; ++y) {
    std::fill(columns.begin(), columns.end(), 0u);
    for (int dy = 0; dy < factor; ++dy) AddRow(columns.data(), in.Row(y * factor + dy), used);
    std::uint8_t* target = out.Row(y);
    for (int x = 0; x < out.width; ++x) {
      const unsigned* block = &columns[static_cast<std::size_t>(x) * factor * kChannels];
      for (int c = 0; c < kChannels; ++c) {
        unsigned sum = 0;
        for (int dx = 0; dx < factor; ++dx) sum += block[dx * kChannels + c];
        const unsigned rounded = sum + area / 2;
        target[x * kChannels + c] =
            static_cast<std::uint8_t>(multiply ? (rounded * reciprocal) >> 32 : rounded / area);
      }
    }
  }
}

// BoxDownsampleCpu with the factor known to the compiler where it is 2..5.
template <int kChannels>
void BoxDownsampleCpu(ConstImageU8 in, int factor, ImageU8 out) {
  switch (factor) {
    case 2:
      return BoxDownsampleCpu<kChannels, 2>(in, factor, out);
    case 3:
      return BoxDownsampleCpu<kChannels, 3>(in, factor, out);
    case 4:
      return BoxDownsampleCpu<kChannels, 4>(in, factor, out);
    case 5:
      return BoxDownsampleCpu<kChannels, 5>(in, factor, out);
    default:
      return BoxDownsampleCpu<kChannels, 0>(in, factor, out);
  }
}

}  // namespace

void BoxDownsample(ConstImageU8 in, int factor, ImageU8 out, Device device) {
  detail::CheckView("BoxDownsample", "in", in, {1, 3, 4});
  detail::CheckView("BoxDownsample", "out", out, {in.channels});
  if (factor < 1) detail::Fail("BoxDownsample", "factor must be >= 1");
  if (out.width != in.width / factor || out.height != in.height / factor)
    detail::Fail("BoxDownsample", std::to_string(in.width) + "x" + std::to_string(in.height) +
                                      " / " + std::to_string(factor) + " is not " +
                                      std::to_string(out.width) + "x" + std::to_string(out.height));
  detail::CheckDevice("BoxDownsample", device);
#ifdef CTP_HAVE_CUDA
  if (device == Device::kCuda) return cuda::BoxDownsample(in, factor, out);
#endif
  switch (in.channels) {  // the channel count known to the compiler: the sums vectorise
    case 1:
      return BoxDownsampleCpu<1>(in, factor, out);
    case 3:
      return BoxDownsampleCpu<3>(in, factor, out);
    default:
      return BoxDownsampleCpu<4>(in, factor, out);
  }
}

}  // namespace ctp::kernels::tiling
