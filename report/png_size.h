// The size of a PNG image, read with libpng from its header (the pixels are not decoded).
#pragma once

#include <string_view>

namespace ctp::report {

/// Width and height in pixels.
struct PngSize {
  int width = 0;   ///< Pixels per row.
  int height = 0;  ///< Rows.
};

/// The size in the PNG `bytes`. Throws std::runtime_error when they are not a PNG.
PngSize ReadPngSize(std::string_view bytes);

}  // namespace ctp::report
