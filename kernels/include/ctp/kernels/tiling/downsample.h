// Box-average downsampling of an interleaved 8-bit image by an integer factor (the tissue-mask
// image of a slide whose smallest level is still too large).
#pragma once

#include "ctp/kernels/device.h"
#include "ctp/kernels/tiling/image_view.h"

namespace ctp::kernels::tiling {

/// out(x, y) = rounded mean of the factor x factor block of `in` at (x * factor, y * factor), per
/// channel: (sum + factor² / 2) / factor². `out` must be floor(in / factor) in each dimension with
/// the same channel count (1, 3 or 4); the last partial block rows/columns of `in` are ignored.
void BoxDownsample(ConstImageU8 in, int factor, ImageU8 out, Device device = Device::kCpu);

}  // namespace ctp::kernels::tiling
