// Argument checks shared by the tiling launchers and the declarations of their CUDA twins.
// CUDA twins take host views like the CPU ops: they stage through device memory themselves.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <stdexcept>
#include <string>

#include "ctp/kernels/tiling/color.h"
#include "ctp/kernels/tiling/downsample.h"
#include "ctp/kernels/tiling/packing.h"
#include "ctp/kernels/tiling/patch_score.h"
#include "ctp/kernels/tiling/reinhard.h"
#include "ctp/kernels/tiling/threshold.h"
#include "pixel_ops.h"

namespace ctp::kernels::tiling::detail {

/// Throws std::invalid_argument("<op>: <message>").
[[noreturn]] inline void Fail(const char* op, const std::string& message) {
  throw std::invalid_argument(std::string(op) + ": " + message);
}

/// Checks that a view is usable: data set (unless empty), sizes >= 0, stride large enough and
/// the channel count among `channels`.
template <typename T>
void CheckView(const char* op, const char* name, ImageView<T> view,
               std::initializer_list<int> channels) {
  bool channel_ok = false;
  for (int c : channels) channel_ok = channel_ok || view.channels == c;
  if (!channel_ok)
    Fail(op, std::string(name) + " has " + std::to_string(view.channels) + " channels");
  if (view.width < 0 || view.height < 0) Fail(op, std::string(name) + " has a negative size");
  if (view.stride < static_cast<std::ptrdiff_t>(view.width) * view.channels)
    Fail(op, std::string(name) + " stride is smaller than width * channels");
  if (view.data == nullptr && view.Pixels() > 0) Fail(op, std::string(name) + " has no data");
}

/// Checks that two views have the same width and height.
template <typename A, typename B>
void CheckSameSize(const char* op, ImageView<A> a, ImageView<B> b) {
  if (a.width != b.width || a.height != b.height)
    Fail(op, std::to_string(a.width) + "x" + std::to_string(a.height) + " input, " +
                 std::to_string(b.width) + "x" + std::to_string(b.height) + " output");
}

/// Throws: the op was asked to run on CUDA in a build without CUDA.
[[noreturn]] inline void ThrowNoCuda(const char* op) {
  throw std::runtime_error(std::string(op) + ": this build has no CUDA kernels");
}

/// Which single channel ConvertToChannel computes.
enum class ChannelKind { kGray, kSaturation };

/// A ring's edges in mask pixel coordinates: ax, ay, bx, by per edge.
struct Edge {
  double ax, ay, bx, by;  ///< From a to b.
};

/// Reinhard's affine map from source to target statistics (reinhard.cc).
ReinhardMap MakeReinhardMap(const LabStats& source, const LabStats& target);

/// Mean and population standard deviation from per-channel sums (reinhard.cc).
LabStats StatsFromSums(const double* sum, const double* sum_squares, double count);

/// The float normaliser of a ChannelNormalization (packing.cc).
ByteNormalizer MakeByteNormalizer(const ChannelNormalization& normalization);

#ifdef CTP_HAVE_CUDA
void ConvertArgbCuda(ConstImageU32 argb, ImageU8 out);
void BoxDownsampleCuda(ConstImageU8 in, int factor, ImageU8 out);
void ConvertToChannelCuda(ConstImageU8 rgb, ChannelKind kind, ImageU8 out);
Histogram256 ComputeHistogramCuda(ConstImageU8 channel);
void ThresholdMaskCuda(ConstImageU8 channel, int threshold, Polarity polarity, ImageU8 mask);
void IntegralImageCuda(ConstImageU8 mask, ImageU32 integral);
void ScorePatchesCuda(ConstImageU32 integral, std::span<const PatchBox> boxes, MaskScale scale,
                      std::span<float> fractions);
void RasterizeEdgesCuda(std::span<const Edge> edges, std::uint8_t value, ImageU8 mask);
LabStats ComputeLabStatsCuda(ConstImageU8 rgb);
void ApplyReinhardCuda(ConstImageU8 src, const LabStats& source, const LabStats& target,
                       ImageU8 dst);
void PackPatchesCuda(std::span<const ConstImageU8> patches, int width, int height,
                     const ChannelNormalization* normalization, std::uint8_t* out_u8,
                     float* out_f32);
#endif

}  // namespace ctp::kernels::tiling::detail

/// In a launcher: `if (device == Device::kCuda) CTP_TILING_RUN_CUDA("Op", detail::OpCuda(...));`
/// returns the CUDA twin's result, or throws when the build has no CUDA (the call is not compiled).
#ifdef CTP_HAVE_CUDA
#define CTP_TILING_RUN_CUDA(op, call) return call
#else
#define CTP_TILING_RUN_CUDA(op, call) ::ctp::kernels::tiling::detail::ThrowNoCuda(op)
#endif
