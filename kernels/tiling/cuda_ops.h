// Internal: the CUDA twins of the tiling launchers. Each public launcher validates its arguments,
// then calls the twin here when its device is Device::kCuda. The twins take the same host views
// as the CPU code and stage through device memory themselves. Defined in the *.cu files.
#pragma once

#ifdef CTP_HAVE_CUDA

#include <cstdint>
#include <span>

#include "ctp/kernels/tiling/color.h"
#include "ctp/kernels/tiling/downsample.h"
#include "ctp/kernels/tiling/packing.h"
#include "ctp/kernels/tiling/patch_score.h"
#include "ctp/kernels/tiling/reinhard.h"
#include "ctp/kernels/tiling/threshold.h"
#include "pixel_ops.h"

namespace ctp::kernels::tiling::cuda {

void ConvertArgb(ConstImageU32 argb, ImageU8 out);
void ConvertToChannel(ConstImageU8 rgb, detail::ChannelKind kind, ImageU8 out);

void BoxDownsample(ConstImageU8 in, int factor, ImageU8 out);

Histogram256 ComputeHistogram(ConstImageU8 channel);
void ThresholdMask(ConstImageU8 channel, int threshold, Polarity polarity, ImageU8 mask);

void IntegralImage(ConstImageU8 mask, ImageU32 integral);
void ScorePatches(ConstImageU32 integral, std::span<const PatchBox> boxes, MaskScale scale,
                  std::span<float> fractions);

void RasterizeEdges(std::span<const detail::Edge> edges, std::uint8_t value, ImageU8 mask);

LabStats ComputeLabStats(ConstImageU8 rgb);
void ApplyReinhard(ConstImageU8 src, const LabStats& source, const LabStats& target, ImageU8 dst);

/// NHWC bytes into out_u8 when normalization is null, else NCHW floats into out_f32.
void PackPatches(std::span<const ConstImageU8> patches, int width, int height,
                 const ChannelNormalization* normalization, std::uint8_t* out_u8, float* out_f32);

}  // namespace ctp::kernels::tiling::cuda

#endif  // CTP_HAVE_CUDA
