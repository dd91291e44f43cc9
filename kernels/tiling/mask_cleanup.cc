// Small-hole filling and speck removal by 4-connected component labelling (CPU only).
#include "ctp/kernels/tiling/mask_cleanup.h"

#include <cstdint>
#include <span>
#include <vector>

#include "checks.h"

namespace ctp::kernels::tiling {
namespace {

/// Calls visit(pixels, touches_border) for each 4-connected component of pixels whose state
/// (mask != 0) equals `on`; pixels are indices y * width + x.
template <typename Visit>
void ForEachComponent(ImageU8 mask, bool on, Visit visit) {
  const int w = mask.width, h = mask.height;
  std::vector<std::uint8_t> seen(static_cast<std::size_t>(w) * h, 0);
  std::vector<int> component;
  auto is_on = [&](int x, int y) { return (mask.Row(y)[x] != 0) == on; };
  for (int start = 0; start < w * h; ++start) {
    if (seen[start] || !is_on(start % w, start / w)) continue;
    component.assign(1, start);
    seen[start] = 1;
    bool touches_border = false;
    for (std::size_t head = 0; head < component.size(); ++head) {  // breadth-first
      const int x = component[head] % w, y = component[head] / w;
      touches_border = touches_border || x == 0 || y == 0 || x == w - 1 || y == h - 1;
      const int nx[4] = {x - 1, x + 1, x, x}, ny[4] = {y, y, y - 1, y + 1};
      for (int k = 0; k < 4; ++k) {
        if (nx[k] < 0 || ny[k] < 0 || nx[k] >= w || ny[k] >= h) continue;
        const int index = ny[k] * w + nx[k];
        if (seen[index] || !is_on(nx[k], ny[k])) continue;
        seen[index] = 1;
        component.push_back(index);
      }
    }
    visit(std::span<const int>(component), touches_border);
  }
}

/// Sets every listed pixel to `value`.
void Paint(ImageU8 mask, std::span<const int> pixels, std::uint8_t value) {
  for (int index : pixels) mask.Row(index / mask.width)[index % mask.width] = value;
}

}  // namespace

CleanupStats CleanMask(ImageU8 mask, int min_hole_pixels, int min_speck_pixels) {
  detail::CheckView("CleanMask", "mask", mask, {1});
  CleanupStats stats;
  if (min_hole_pixels > 0) {
    ForEachComponent(mask, false, [&](std::span<const int> pixels, bool touches_border) {
      if (touches_border || pixels.size() >= static_cast<std::size_t>(min_hole_pixels)) return;
      Paint(mask, pixels, 1);
      ++stats.holes_filled;
    });
  }
  if (min_speck_pixels > 0) {
    ForEachComponent(mask, true, [&](std::span<const int> pixels, bool) {
      if (pixels.size() >= static_cast<std::size_t>(min_speck_pixels)) return;
      Paint(mask, pixels, 0);
      ++stats.specks_removed;
    });
  }
  return stats;
}

}  // namespace ctp::kernels::tiling
