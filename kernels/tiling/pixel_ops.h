// Internal: per-pixel math and the small types shared by the CPU references and the CUDA twins
// (host + device), so that both compute the same formula; the launchers around them are what
// differ.
#pragma once

#include <math.h>

#include <cstddef>
#include <cstdint>

#include "ctp/kernels/tiling/packing.h"
#include "ctp/kernels/tiling/patch_score.h"
#include "ctp/kernels/tiling/reinhard.h"

#if defined(__CUDACC__)
#define CTP_HD __host__ __device__ inline
#else
#define CTP_HD inline
#endif

namespace ctp::kernels::tiling::detail {

/// Premultiplied ARGB over white -> RGB: c + 255 - a, clamped (exact for premultiplied input).
CTP_HD void ArgbOverWhite(std::uint32_t p, std::uint8_t* rgb) {
  const unsigned a = p >> 24;
  for (int c = 0; c < 3; ++c) {
    const unsigned v = ((p >> (16 - 8 * c)) & 0xffu) + 255u - a;
    rgb[c] = static_cast<std::uint8_t>(v > 255u ? 255u : v);
  }
}

/// Premultiplied ARGB -> straight RGBA: round(c * 255 / a), clamped; alpha 0 -> all 0.
CTP_HD void ArgbToStraightRgba(std::uint32_t p, std::uint8_t* rgba) {
  const unsigned a = p >> 24;
  for (int c = 0; c < 3; ++c) {
    const unsigned v = (p >> (16 - 8 * c)) & 0xffu;
    const unsigned s = a == 0 ? 0u : (v * 255u + a / 2) / a;
    rgba[c] = static_cast<std::uint8_t>(s > 255u ? 255u : s);
  }
  rgba[3] = static_cast<std::uint8_t>(a);
}

/// Which single channel of an RGB pixel ConvertToChannel computes.
enum class ChannelKind { kGray, kSaturation };

/// ITU-R 601 luma, integer, as PIL's convert("L").
CTP_HD std::uint8_t Gray601(const std::uint8_t* px) {
  return static_cast<std::uint8_t>((299u * px[0] + 587u * px[1] + 114u * px[2] + 500u) / 1000u);
}

/// HSV saturation in 0..255, floored.
CTP_HD std::uint8_t Saturation255(const std::uint8_t* px) {
  unsigned hi = px[0], lo = px[0];
  for (int c = 1; c < 3; ++c) {
    hi = px[c] > hi ? px[c] : hi;
    lo = px[c] < lo ? px[c] : lo;
  }
  return static_cast<std::uint8_t>(hi == 0 ? 0u : (hi - lo) * 255u / hi);
}

/// 1 when v is tissue: v < t (above == false) or v > t (above == true).
CTP_HD std::uint8_t IsTissue(std::uint8_t v, int t, bool above) {
  return static_cast<std::uint8_t>(above ? (v > t) : (v < t));
}

/// Clamps a double to [lo, hi] and converts it to int (NaN -> lo).
CTP_HD int ClampToInt(double v, int lo, int hi) {
  return v >= hi ? hi : (v > lo ? static_cast<int>(v) : lo);
}

/// Tissue fraction of one box from an integral image (see ScorePatches).
CTP_HD float BoxFraction(const std::uint32_t* integral, std::ptrdiff_t stride, int mask_width,
                         int mask_height, PatchBox box, MaskScale scale) {
  const double fx0 = floor(box.x / scale.downsample_x);
  const double fy0 = floor(box.y / scale.downsample_y);
  const double fx1 = fmax(ceil((box.x + box.width) / scale.downsample_x), fx0 + 1);
  const double fy1 = fmax(ceil((box.y + box.height) / scale.downsample_y), fy0 + 1);
  const int x0 = ClampToInt(fx0, 0, mask_width), x1 = ClampToInt(fx1, 0, mask_width);
  const int y0 = ClampToInt(fy0, 0, mask_height), y1 = ClampToInt(fy1, 0, mask_height);
  if (x1 <= x0 || y1 <= y0) return 0.f;
  const std::uint32_t* top = integral + y0 * stride;
  const std::uint32_t* bottom = integral + y1 * stride;
  const std::uint32_t count = bottom[x1] - bottom[x0] - top[x1] + top[x0];  // modular: exact
  return static_cast<float>(static_cast<double>(count) /
                            (static_cast<double>(x1 - x0) * static_cast<double>(y1 - y0)));
}

/// A ring's edge in mask pixel coordinates.
struct Edge {
  double ax, ay, bx, by;  ///< From a to b.
};

/// Crossing test of the edge a-b against the ray from (px, py) towards +x (PNPOLY rule).
CTP_HD bool EdgeCrossesRay(double ax, double ay, double bx, double by, double px, double py) {
  return ((ay > py) != (by > py)) && (px < (bx - ax) * (py - ay) / (by - ay) + ax);
}

/// x where the edge a-b meets the horizontal line y = py (the same expression as EdgeCrossesRay).
CTP_HD double EdgeXAt(double ax, double ay, double bx, double by, double py) {
  return (bx - ax) * (py - ay) / (by - ay) + ax;
}

/// RGB (0..255) -> Ruderman l-alpha-beta via LMS (Reinhard 2001 matrix), LMS clamped to >= 1.
CTP_HD void RgbToLab(const float* rgb, float* lab) {
  const float l = 0.3811f * rgb[0] + 0.5783f * rgb[1] + 0.0402f * rgb[2];
  const float m = 0.1967f * rgb[0] + 0.7244f * rgb[1] + 0.0782f * rgb[2];
  const float s = 0.0241f * rgb[0] + 0.1288f * rgb[1] + 0.8444f * rgb[2];
  const float ll = log10f(fmaxf(l, 1.f)), lm = log10f(fmaxf(m, 1.f)), ls = log10f(fmaxf(s, 1.f));
  lab[0] = (ll + lm + ls) * 0.57735027f;        // 1/sqrt(3)
  lab[1] = (ll + lm - 2.f * ls) * 0.40824829f;  // 1/sqrt(6)
  lab[2] = (ll - lm) * 0.70710678f;             // 1/sqrt(2)
}

/// l-alpha-beta -> RGB (0..255, not clamped); exact inverse of the RGB -> LMS matrix.
CTP_HD void LabToRgb(const float* lab, float* rgb) {
  const float a = lab[0] * 0.57735027f, b = lab[1] * 0.40824829f, c = lab[2] * 0.70710678f;
  const float l = powf(10.f, a + b + c), m = powf(10.f, a + b - c), s = powf(10.f, a - 2.f * b);
  rgb[0] = 4.46866986f * l - 3.58867590f * m + 0.11960437f * s;
  rgb[1] = -1.21971663f * l + 2.38308791f * m - 0.16263011f * s;
  rgb[2] = 0.05850848f * l - 0.26107844f * m + 1.20566591f * s;
}

/// Rounds to nearest and clamps to 0..255.
CTP_HD std::uint8_t ToByte(float v) {
  return static_cast<std::uint8_t>(v <= 0.f ? 0.f : (v >= 255.f ? 255.f : v + 0.5f));
}

/// l-alpha-beta of one RGB pixel given as bytes.
CTP_HD void PixelToLab(const std::uint8_t* px, float* lab) {
  const float rgb[3] = {static_cast<float>(px[0]), static_cast<float>(px[1]),
                        static_cast<float>(px[2])};
  RgbToLab(rgb, lab);
}

/// Reinhard's per-channel affine map (scale, shift) from source to target statistics.
struct ReinhardMap {
  float scale[3];  ///< target.stddev / source.stddev (1 when the source is flat).
  float shift[3];  ///< target.mean - scale * source.mean.
};

/// Reinhard's affine map from source to target statistics (reinhard.cc).
ReinhardMap MakeReinhardMap(const LabStats& source, const LabStats& target);

/// Mean and population standard deviation from per-channel sums (reinhard.cc).
LabStats StatsFromSums(const double* sum, const double* sum_squares, double count);

/// Normalises one RGB pixel (reads 3 values, writes 3 values).
CTP_HD void ReinhardPixel(const std::uint8_t* in, const ReinhardMap& map, std::uint8_t* out) {
  float lab[3], rgb[3];
  PixelToLab(in, lab);
  for (int c = 0; c < 3; ++c) lab[c] = lab[c] * map.scale[c] + map.shift[c];
  LabToRgb(lab, rgb);
  for (int c = 0; c < 3; ++c) out[c] = ToByte(rgb[c]);
}

}  // namespace ctp::kernels::tiling::detail

namespace ctp::kernels::tiling::detail {

/// uint8 -> normalised float: v * scale[c] + shift[c] == (v / 255 - mean[c]) / stddev[c].
struct ByteNormalizer {
  float scale[3];  ///< 1 / (255 * stddev).
  float shift[3];  ///< -mean / stddev.

  /// The normalised value of byte v in channel c.
  CTP_HD float Apply(std::uint8_t v, int c) const { return v * scale[c] + shift[c]; }
};

/// The float normaliser of a ChannelNormalization (packing.cc).
ByteNormalizer MakeByteNormalizer(const ChannelNormalization& normalization);

}  // namespace ctp::kernels::tiling::detail
