// CPU reference and launcher of the box-average downsample (downsample.h).
#include "ctp/kernels/tiling/downsample.h"

#include <algorithm>
#include <string>
#include <vector>

#include "dispatch.h"

namespace ctp::kernels::tiling {

namespace {

// Rows are first summed column by column (contiguous, vectorised), then each block's columns.
template <int kChannels>
void BoxDownsampleCpu(ConstImageU8 in, int factor, ImageU8 out) {
  const unsigned area = static_cast<unsigned>(factor) * static_cast<unsigned>(factor);
  const std::size_t used = static_cast<std::size_t>(out.width) * factor * kChannels;
  std::vector<unsigned> columns(used);
  for (int y = 0; y < out.height; ++y) {
    std::fill(columns.begin(), columns.end(), 0u);
    for (int dy = 0; dy < factor; ++dy) {
      const std::uint8_t* row = in.Row(y * factor + dy);
      for (std::size_t i = 0; i < used; ++i) columns[i] += row[i];
    }
    std::uint8_t* target = out.Row(y);
    for (int x = 0; x < out.width; ++x) {
      const unsigned* block = &columns[static_cast<std::size_t>(x) * factor * kChannels];
      for (int c = 0; c < kChannels; ++c) {
        unsigned sum = 0;
        for (int dx = 0; dx < factor; ++dx) sum += block[dx * kChannels + c];
        target[x * kChannels + c] = static_cast<std::uint8_t>((sum + area / 2) / area);
      }
    }
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
  if (device == Device::kCuda)
    CTP_TILING_RUN_CUDA("BoxDownsample", detail::BoxDownsampleCuda(in, factor, out));
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
