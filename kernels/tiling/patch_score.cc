// CPU references and launchers of the integral image and patch scoring (patch_score.h).
#include "ctp/kernels/tiling/patch_score.h"

#include <string>

#include "checks.h"
#include "cuda_ops.h"
#include "pixel_ops.h"

namespace ctp::kernels::tiling {

void IntegralImage(ConstImageU8 mask, ImageU32 integral, Device device) {
  detail::CheckView("IntegralImage", "mask", mask, {1});
  detail::CheckView("IntegralImage", "integral", integral, {1});
  if (integral.width != mask.width + 1 || integral.height != mask.height + 1)
    detail::Fail("IntegralImage", "integral must be (mask width + 1) x (mask height + 1)");
  detail::CheckDevice("IntegralImage", device);
#ifdef CTP_HAVE_CUDA
  if (device == Device::kCuda) return cuda::IntegralImage(mask, integral);
#endif
  std::uint32_t* first = integral.Row(0);
  for (int x = 0; x <= mask.width; ++x) first[x] = 0;
  for (int y = 0; y < mask.height; ++y) {
    const std::uint8_t* in = mask.Row(y);
    const std::uint32_t* above = integral.Row(y);
    std::uint32_t* out = integral.Row(y + 1);
    std::uint32_t row_sum = 0;
    out[0] = 0;
    for (int x = 0; x < mask.width; ++x) {
      row_sum += in[x] != 0;
      out[x + 1] = above[x + 1] + row_sum;
    }
  }
}

PatchGrid FullPatchGrid(int slide_width, int slide_height, int size, int stride) {
  if (size <= 0 || stride <= 0) detail::Fail("FullPatchGrid", "size and stride must be positive");
  PatchGrid grid;
  grid.step_x = grid.step_y = stride;
  grid.patch_width = grid.patch_height = size;
  grid.cols = slide_width < size ? 0 : (slide_width - size) / stride + 1;
  grid.rows = slide_height < size ? 0 : (slide_height - size) / stride + 1;
  return grid;
}

std::vector<PatchBox> GridBoxes(const PatchGrid& grid) {
  if (grid.cols < 0 || grid.rows < 0) detail::Fail("GridBoxes", "negative grid size");
  std::vector<PatchBox> boxes;
  boxes.reserve(static_cast<std::size_t>(grid.cols) * grid.rows);
  for (int r = 0; r < grid.rows; ++r)
    for (int c = 0; c < grid.cols; ++c)
      boxes.push_back({grid.origin_x + c * grid.step_x, grid.origin_y + r * grid.step_y,
                       grid.patch_width, grid.patch_height});
  return boxes;
}

void ScorePatches(ConstImageU32 integral, std::span<const PatchBox> boxes, MaskScale scale,
                  std::span<float> fractions, Device device) {
  detail::CheckView("ScorePatches", "integral", integral, {1});
  if (integral.width < 1 || integral.height < 1)
    detail::Fail("ScorePatches", "integral must be at least 1x1");
  if (fractions.size() != boxes.size())
    detail::Fail("ScorePatches", std::to_string(boxes.size()) + " boxes but " +
                                     std::to_string(fractions.size()) + " outputs");
  if (!(scale.downsample_x > 0) || !(scale.downsample_y > 0))
    detail::Fail("ScorePatches", "downsample must be positive");
  detail::CheckDevice("ScorePatches", device);
#ifdef CTP_HAVE_CUDA
  if (device == Device::kCuda) return cuda::ScorePatches(integral, boxes, scale, fractions);
#endif
  for (std::size_t i = 0; i < boxes.size(); ++i)
    fractions[i] = detail::BoxFraction(integral.data, integral.stride, integral.width - 1,
                                       integral.height - 1, boxes[i], scale);
}

}  // namespace ctp::kernels::tiling
