#include "cnn/predict_heatmap.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "ctp/base/atomic_file.h"
#include "formats/image_io.h"
#include "slide/slide.h"

namespace ctp::native {

kernels::tiling::Image<std::uint8_t> RenderHeatmap(
    const kernels::tiling::Image<std::uint8_t>& thumbnail, double level0_per_pixel,
    const HeatmapPatches& patches) {
  if (thumbnail.channels != 3) throw std::invalid_argument("heatmap: thumbnail must be RGB");
  const int width = thumbnail.width, height = thumbnail.height;
  std::vector<float> sum(std::size_t(width) * height, 0.0f);
  std::vector<int> count(sum.size(), 0);
  for (std::size_t i = 0; i < patches.probability.size(); ++i) {
    const auto [x, y] = patches.level0_top_left[i];
    const int x0 = std::max(0, int(std::floor(x / level0_per_pixel)));
    const int y0 = std::max(0, int(std::floor(y / level0_per_pixel)));
    const int x1 = std::min(width, int(std::ceil((x + patches.level0_width) / level0_per_pixel)));
    const int y1 = std::min(height, int(std::ceil((y + patches.level0_height) / level0_per_pixel)));
    for (int row = y0; row < y1; ++row)
      for (int column = x0; column < x1; ++column) {
        sum[std::size_t(row) * width + column] += patches.probability[i];
        ++count[std::size_t(row) * width + column];
      }
  }
  kernels::tiling::Image<std::uint8_t> out = thumbnail;
  for (std::size_t p = 0; p < sum.size(); ++p) {
    if (count[p] == 0) continue;
    const float probability = std::clamp(sum[p] / float(count[p]), 0.0f, 1.0f);
    const float ramp[3] = {255.0f * probability, 0.0f, 255.0f * (1.0f - probability)};
    for (int c = 0; c < 3; ++c) {
      std::uint8_t& value = out.pixels[p * 3 + c];
      value = std::uint8_t(std::lround((float(value) + ramp[c]) / 2.0f));
    }
  }
  return out;
}

void WriteSlideHeatmap(const std::filesystem::path& slide_path, int patch_level, int patch_width,
                       int patch_height, HeatmapPatches patches,
                       const std::filesystem::path& output) {
  try {
    Slide slide(slide_path);
    if (patch_level < 0 || patch_level >= slide.LevelCount())
      throw std::runtime_error("the patches were read at level " + std::to_string(patch_level) +
                               ", which this slide does not have");
    const LowResolutionImage thumbnail = ReadLowResolution(slide, 1024);
    const double scale = slide.Downsample(thumbnail.level) * thumbnail.factor;
    patches.level0_width = patch_width * slide.Downsample(patch_level);
    patches.level0_height = patch_height * slide.Downsample(patch_level);
    base::WriteFileAtomically(output, EncodePng(RenderHeatmap(thumbnail.rgb, scale, patches).View()));
  } catch (const std::runtime_error& error) {
    throw std::runtime_error(slide_path.string() + ": heatmap: " + error.what());
  }
}

}  // namespace ctp::native
