// CUDA twins of the colour conversions: one thread per pixel, same per-pixel math as color.cc.
#include "cuda_common.cuh"
#include "cuda_ops.h"
#include "pixel_ops.h"

namespace ctp::kernels::tiling::cuda {
namespace {

__global__ void ConvertArgbKernel(const std::uint32_t* argb, std::size_t pixels, int channels,
                                  std::uint8_t* out) {
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (i >= pixels) return;
  if (channels == 3)
    detail::ArgbOverWhite(argb[i], out + i * 3);
  else
    detail::ArgbToStraightRgba(argb[i], out + i * 4);
}

__global__ void ToChannelKernel(const std::uint8_t* rgb, std::size_t pixels, int channels,
                                detail::ChannelKind kind, std::uint8_t* out) {
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (i >= pixels) return;
  const std::uint8_t* px = rgb + i * channels;
  out[i] = kind == detail::ChannelKind::kGray ? detail::Gray601(px) : detail::Saturation255(px);
}

}  // namespace

void ConvertArgb(ConstImageU32 argb, ImageU8 out) {
  if (argb.Pixels() == 0) return;
  DeviceBuffer<std::uint32_t> in = UploadImage(argb);
  DeviceBuffer<std::uint8_t> result(out.Pixels() * out.channels);
  ConvertArgbKernel<<<BlocksFor(argb.Pixels()), 256>>>(in.get(), argb.Pixels(), out.channels,
                                                       result.get());
  CTP_CUDA_CHECK_LAUNCH();
  DownloadImage(result, out);
}

void ConvertToChannel(ConstImageU8 rgb, detail::ChannelKind kind, ImageU8 out) {
  if (rgb.Pixels() == 0) return;
  DeviceBuffer<std::uint8_t> in = UploadImage(rgb);
  DeviceBuffer<std::uint8_t> result(out.Pixels());
  ToChannelKernel<<<BlocksFor(rgb.Pixels()), 256>>>(in.get(), rgb.Pixels(), rgb.channels, kind,
                                                    result.get());
  CTP_CUDA_CHECK_LAUNCH();
  DownloadImage(result, out);
}

}  // namespace ctp::kernels::tiling::cuda
