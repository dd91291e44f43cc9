// CPU references and launchers of histogram, Otsu and thresholding (threshold.h).
#include "ctp/kernels/tiling/threshold.h"

#include "checks.h"
#include "cuda_ops.h"
#include "pixel_ops.h"

namespace ctp::kernels::tiling {

Histogram256 ComputeHistogram(ConstImageU8 channel, Device device) {
  detail::CheckView("ComputeHistogram", "channel", channel, {1});
  detail::CheckDevice("ComputeHistogram", device);
#ifdef CTP_HAVE_CUDA
  if (device == Device::kCuda) return cuda::ComputeHistogram(channel);
#endif
  Histogram256 histogram{};
  for (int y = 0; y < channel.height; ++y) {
    const std::uint8_t* row = channel.Row(y);
    for (int x = 0; x < channel.width; ++x) ++histogram[row[x]];
  }
  return histogram;
}

int OtsuThreshold(const Histogram256& histogram) {
  // Cumulative counts and value sums are exact integers; the ratios follow numpy's order of
  // operations in reference_tiler.py so that near-ties resolve the same way.
  std::uint64_t total = 0, total_sum = 0;
  for (int v = 0; v < 256; ++v) {
    total += histogram[v];
    total_sum += histogram[v] * static_cast<std::uint64_t>(v);
  }
  if (total == 0) return 0;
  const double n = static_cast<double>(total);
  const double mean_total = static_cast<double>(total_sum) / n;
  std::uint64_t count = 0, sum = 0;
  double best = -1;
  int best_k = 0;
  for (int k = 0; k < 256; ++k) {  // class 0 = {v <= k}
    count += histogram[k];
    sum += histogram[k] * static_cast<std::uint64_t>(k);
    const double omega = static_cast<double>(count) / n;
    const double mu = static_cast<double>(sum) / n;
    const double denom = omega * (1.0 - omega);
    const double diff = mean_total * omega - mu;
    const double sigma_b = denom > 0 ? diff * diff / denom : 0.0;
    if (sigma_b > best) {
      best = sigma_b;
      best_k = k;
    }
  }
  return best_k + 1;  // {v <= k} == {v < k + 1}
}

void ThresholdMask(ConstImageU8 channel, int threshold, Polarity polarity, ImageU8 mask,
                   Device device) {
  detail::CheckView("ThresholdMask", "channel", channel, {1});
  detail::CheckView("ThresholdMask", "mask", mask, {1});
  detail::CheckSameSize("ThresholdMask", channel, mask);
  detail::CheckDevice("ThresholdMask", device);
#ifdef CTP_HAVE_CUDA
  if (device == Device::kCuda) return cuda::ThresholdMask(channel, threshold, polarity, mask);
#endif
  const bool above = polarity == Polarity::kAbove;
  for (int y = 0; y < channel.height; ++y) {
    const std::uint8_t* in = channel.Row(y);
    std::uint8_t* out = mask.Row(y);
    for (int x = 0; x < channel.width; ++x) out[x] = detail::IsTissue(in[x], threshold, above);
  }
}

}  // namespace ctp::kernels::tiling
