// CPU references and launchers of the colour conversions (color.h).
#include "ctp/kernels/tiling/color.h"

#include "checks.h"
#include "cuda_ops.h"
#include "pixel_ops.h"

namespace ctp::kernels::tiling {
namespace {

/// Shared checks and CPU loop of the two ARGB conversions (out has 3 or 4 channels).
void ConvertArgb(const char* op, ConstImageU32 argb, ImageU8 out, Device device) {
  detail::CheckView(op, "argb", argb, {1});
  detail::CheckView(op, "output", out, {out.channels == 3 ? 3 : 4});
  detail::CheckSameSize(op, argb, out);
  detail::CheckDevice(op, device);
#ifdef CTP_HAVE_CUDA
  if (device == Device::kCuda) return cuda::ConvertArgb(argb, out);
#endif
  for (int y = 0; y < argb.height; ++y) {
    const std::uint32_t* in = argb.Row(y);
    std::uint8_t* dst = out.Row(y);
    for (int x = 0; x < argb.width; ++x, dst += out.channels) {
      if (out.channels == 3)
        detail::ArgbOverWhite(in[x], dst);
      else
        detail::ArgbToStraightRgba(in[x], dst);
    }
  }
}

/// Shared checks and CPU loop of gray and saturation.
void ConvertToChannel(const char* op, ConstImageU8 rgb, detail::ChannelKind kind, ImageU8 out,
                      Device device) {
  detail::CheckView(op, "rgb", rgb, {3, 4});
  detail::CheckView(op, "output", out, {1});
  detail::CheckSameSize(op, rgb, out);
  detail::CheckDevice(op, device);
#ifdef CTP_HAVE_CUDA
  if (device == Device::kCuda) return cuda::ConvertToChannel(rgb, kind, out);
#endif
  for (int y = 0; y < rgb.height; ++y) {
    const std::uint8_t* in = rgb.Row(y);
    std::uint8_t* dst = out.Row(y);
    for (int x = 0; x < rgb.width; ++x, in += rgb.channels) {
      dst[x] = kind == detail::ChannelKind::kGray ? detail::Gray601(in) : detail::Saturation255(in);
    }
  }
}

}  // namespace

void PremultipliedArgbToRgb(ConstImageU32 argb, ImageU8 rgb, Device device) {
  if (rgb.channels != 3) detail::Fail("PremultipliedArgbToRgb", "output must have 3 channels");
  ConvertArgb("PremultipliedArgbToRgb", argb, rgb, device);
}

void PremultipliedArgbToRgba(ConstImageU32 argb, ImageU8 rgba, Device device) {
  if (rgba.channels != 4) detail::Fail("PremultipliedArgbToRgba", "output must have 4 channels");
  ConvertArgb("PremultipliedArgbToRgba", argb, rgba, device);
}

void RgbToGray(ConstImageU8 rgb, ImageU8 gray, Device device) {
  ConvertToChannel("RgbToGray", rgb, detail::ChannelKind::kGray, gray, device);
}

void RgbToSaturation(ConstImageU8 rgb, ImageU8 saturation, Device device) {
  ConvertToChannel("RgbToSaturation", rgb, detail::ChannelKind::kSaturation, saturation, device);
}

}  // namespace ctp::kernels::tiling
