#include "png_size.h"

#include <png.h>

#include <stdexcept>
#include <string>

namespace ctp::report {

PngSize ReadPngSize(std::string_view bytes) {
  if (bytes.size() < 8 || png_sig_cmp(reinterpret_cast<png_const_bytep>(bytes.data()), 0, 8) != 0)
    throw std::runtime_error("not a PNG file");
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&image, bytes.data(), bytes.size()))
    throw std::runtime_error(std::string("bad PNG: ") + image.message);
  const PngSize size{int(image.width), int(image.height)};
  png_image_free(&image);
  return size;
}

}  // namespace ctp::report
