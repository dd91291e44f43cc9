// Colour conversions for slide pixels: OpenSlide's premultiplied ARGB to RGB/RGBA, grayscale,
// saturation.
#pragma once

#include "ctp/kernels/device.h"
#include "ctp/kernels/tiling/image_view.h"

namespace ctp::kernels::tiling {

/// Composites premultiplied ARGB (openslide_read_region: one uint32 per pixel, A in bits 24-31,
/// then R, G, B) over white into RGB: out = c + 255 - a, clamped to 255 (alpha 0 -> white).
void PremultipliedArgbToRgb(ConstImageU32 argb, ImageU8 rgb, Device device = Device::kCpu);

/// Un-premultiplies ARGB into straight RGBA: c' = round(c * 255 / a), clamped; alpha 0 -> 0,0,0,0.
void PremultipliedArgbToRgba(ConstImageU32 argb, ImageU8 rgba, Device device = Device::kCpu);

/// ITU-R 601 luma of RGB or RGBA (alpha ignored): (299 R + 587 G + 114 B + 500) / 1000, as PIL "L".
void RgbToGray(ConstImageU8 rgb, ImageU8 gray, Device device = Device::kCpu);

/// HSV saturation scaled to 0..255 of RGB or RGBA: floor((max - min) * 255 / max), 0 when max = 0.
void RgbToSaturation(ConstImageU8 rgb, ImageU8 saturation, Device device = Device::kCpu);

}  // namespace ctp::kernels::tiling
