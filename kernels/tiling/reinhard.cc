// CPU references and launchers of Reinhard stain normalisation (reinhard.h).
#include "ctp/kernels/tiling/reinhard.h"

#include <cmath>

#include "checks.h"
#include "cuda_ops.h"
#include "pixel_ops.h"

namespace ctp::kernels::tiling {
namespace detail {

ReinhardMap MakeReinhardMap(const LabStats& source, const LabStats& target) {
  ReinhardMap map{};
  for (int c = 0; c < 3; ++c) {
    map.scale[c] = source.stddev[c] < 1e-6f ? 1.f : target.stddev[c] / source.stddev[c];
    map.shift[c] = target.mean[c] - map.scale[c] * source.mean[c];
  }
  return map;
}

LabStats StatsFromSums(const double* sum, const double* sum_squares, double count) {
  LabStats stats;
  if (count == 0) return stats;
  for (int c = 0; c < 3; ++c) {
    const double mean = sum[c] / count;
    stats.mean[c] = static_cast<float>(mean);
    stats.stddev[c] =
        static_cast<float>(std::sqrt(std::fmax(0.0, sum_squares[c] / count - mean * mean)));
  }
  return stats;
}

}  // namespace detail

LabStats ComputeLabStats(ConstImageU8 rgb, Device device) {
  detail::CheckView("ComputeLabStats", "rgb", rgb, {3, 4});
  detail::CheckDevice("ComputeLabStats", device);
#ifdef CTP_HAVE_CUDA
  if (device == Device::kCuda) return cuda::ComputeLabStats(rgb);
#endif
  double sum[3] = {0, 0, 0}, sum_squares[3] = {0, 0, 0};
  for (int y = 0; y < rgb.height; ++y) {
    const std::uint8_t* px = rgb.Row(y);
    for (int x = 0; x < rgb.width; ++x, px += rgb.channels) {
      float lab[3];
      detail::PixelToLab(px, lab);
      for (int c = 0; c < 3; ++c) {
        sum[c] += lab[c];
        sum_squares[c] += static_cast<double>(lab[c]) * lab[c];
      }
    }
  }
  return detail::StatsFromSums(sum, sum_squares, static_cast<double>(rgb.Pixels()));
}

void ApplyReinhard(ConstImageU8 src, const LabStats& source, const LabStats& target, ImageU8 dst,
                   Device device) {
  detail::CheckView("ApplyReinhard", "src", src, {3, 4});
  detail::CheckView("ApplyReinhard", "dst", dst, {src.channels});
  detail::CheckSameSize("ApplyReinhard", src, dst);
  detail::CheckDevice("ApplyReinhard", device);
#ifdef CTP_HAVE_CUDA
  if (device == Device::kCuda) return cuda::ApplyReinhard(src, source, target, dst);
#endif
  const detail::ReinhardMap map = detail::MakeReinhardMap(source, target);
  for (int y = 0; y < src.height; ++y) {
    const std::uint8_t* in = src.Row(y);
    std::uint8_t* out = dst.Row(y);
    for (int x = 0; x < src.width; ++x, in += src.channels, out += dst.channels) {
      detail::ReinhardPixel(in, map, out);
      if (src.channels == 4) out[3] = in[3];
    }
  }
}

void ReinhardNormalize(ConstImageU8 src, const LabStats& target, ImageU8 dst, Device device) {
  ApplyReinhard(src, ComputeLabStats(src, device), target, dst, device);
}

}  // namespace ctp::kernels::tiling
