// Encoding and decoding of 8-bit images as PNG (libpng) and JPEG (libjpeg), in memory.
// Generic: any step that writes or reads patch images (tile, predict, the CNN's data loader).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ctp/kernels/tiling/image_view.h"

namespace ctp::native {

/// The one PNG row filter used for every row (libpng's per-row trial of all five encodes each
/// row five times).
enum class PngFilter {
  kNone,   ///< No filter: cheapest, larger files.
  kSub,    ///< Difference to the left pixel: about as small as the trial for slide patches.
  kUp,     ///< Difference to the pixel above.
  kPaeth,  ///< Paeth predictor.
};

/// Encodes a gray (1), gray+alpha (2), RGB (3) or RGBA (4) image as PNG; `compression` is zlib's
/// level 0..9 (on slide patches level 1 gives smaller files than 3 or 6, at about half the cost of
/// 3: bench/native/patch_encode_bench.cc). Throws std::runtime_error on failure.
std::string EncodePng(kernels::tiling::ConstImageU8 image, int compression = 1,
                      PngFilter filter = PngFilter::kUp);

/// Encodes a gray (1) or RGB (3) image as baseline JPEG with `quality` 1..100 (RGBA: alpha
/// dropped).
std::string EncodeJpeg(kernels::tiling::ConstImageU8 image, int quality = 90);

/// Decodes a PNG (8-bit; palette and 16-bit are converted) keeping its channel count.
kernels::tiling::Image<std::uint8_t> DecodePng(std::string_view bytes);

/// Decodes a JPEG into gray (1) or RGB (3).
kernels::tiling::Image<std::uint8_t> DecodeJpeg(std::string_view bytes);

}  // namespace ctp::native
