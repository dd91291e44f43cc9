// PNG and JPEG in memory through libpng's and libjpeg's callback APIs.
#include "formats/image_io.h"

// clang-format off
#include <cstdio>  // jpeglib.h needs FILE and size_t first
#include <jpeglib.h>
// clang-format on
#include <png.h>

#include <csetjmp>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace ctp::native {
namespace {

using kernels::tiling::ConstImageU8;
using kernels::tiling::Image;

void AppendPngData(png_structp png, png_bytep data, png_size_t length) {
  auto* out = static_cast<std::string*>(png_get_io_ptr(png));
  out->append(reinterpret_cast<const char*>(data), length);
}

[[noreturn]] void ThrowPngError(png_structp, png_const_charp message) {
  throw std::runtime_error(std::string("PNG: ") + message);
}

struct PngReadSource {
  std::string_view bytes;
  std::size_t offset = 0;
};

void ReadPngData(png_structp png, png_bytep data, png_size_t length) {
  auto* source = static_cast<PngReadSource*>(png_get_io_ptr(png));
  if (source->offset + length > source->bytes.size()) png_error(png, "truncated data");
  std::memcpy(data, source->bytes.data() + source->offset, length);
  source->offset += length;
}

int PngColorType(int channels) {
  switch (channels) {
    case 1:
      return PNG_COLOR_TYPE_GRAY;
    case 2:
      return PNG_COLOR_TYPE_GRAY_ALPHA;
    case 3:
      return PNG_COLOR_TYPE_RGB;
    case 4:
      return PNG_COLOR_TYPE_RGBA;
    default:
      throw std::invalid_argument("EncodePng: channels must be 1..4");
  }
}

// libjpeg reports errors through longjmp; the handler turns them into a message and a jump.
struct JpegError {
  jpeg_error_mgr manager;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

void OnJpegError(j_common_ptr info) {
  auto* error = reinterpret_cast<JpegError*>(info->err);
  (*info->err->format_message)(info, error->message);
  std::longjmp(error->jump, 1);
}

}  // namespace

std::string EncodePng(ConstImageU8 image, int compression, PngFilter filter) {
  std::string out;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, ThrowPngError, nullptr);
  if (!png) throw std::runtime_error("PNG: out of memory");
  png_infop info = png_create_info_struct(png);
  try {
    png_set_write_fn(png, &out, AppendPngData, nullptr);
    png_set_IHDR(png, info, image.width, image.height, 8, PngColorType(image.channels),
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_compression_level(png, compression);
    png_set_filter(png, PNG_FILTER_TYPE_BASE,
                   filter == PngFilter::kNone  ? PNG_FILTER_NONE
                   : filter == PngFilter::kSub ? PNG_FILTER_SUB
                   : filter == PngFilter::kUp  ? PNG_FILTER_UP
                                               : PNG_FILTER_PAETH);
    png_write_info(png, info);
    for (int y = 0; y < image.height; ++y) png_write_row(png, image.Row(y));
    png_write_end(png, nullptr);
  } catch (...) {
    png_destroy_write_struct(&png, &info);
    throw;
  }
  png_destroy_write_struct(&png, &info);
  return out;
}

Image<std::uint8_t> DecodePng(std::string_view bytes) {
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, nullptr, ThrowPngError, nullptr);
  if (!png) throw std::runtime_error("PNG: out of memory");
  png_infop info = png_create_info_struct(png);
  PngReadSource source{bytes};
  Image<std::uint8_t> image;
  try {
    png_set_read_fn(png, &source, ReadPngData);
    png_read_info(png, info);
    png_set_expand(png);
    png_set_strip_16(png);
    png_read_update_info(png, info);
    int channels = png_get_channels(png, info);
    image = Image<std::uint8_t>(static_cast<int>(png_get_image_width(png, info)),
                                static_cast<int>(png_get_image_height(png, info)), channels);
    for (int y = 0; y < image.height; ++y) png_read_row(png, image.View().Row(y), nullptr);
    png_read_end(png, nullptr);
  } catch (...) {
    png_destroy_read_struct(&png, &info, nullptr);
    throw;
  }
  png_destroy_read_struct(&png, &info, nullptr);
  return image;
}

std::string EncodeJpeg(ConstImageU8 image, int quality) {
  if (image.channels < 1 || image.channels == 2 || image.channels > 4)
    throw std::invalid_argument("EncodeJpeg: channels must be 1, 3 or 4");
  jpeg_compress_struct info{};
  JpegError error{};
  info.err = jpeg_std_error(&error.manager);
  error.manager.error_exit = OnJpegError;
  unsigned char* buffer = nullptr;
  unsigned long size = 0;
  std::vector<std::uint8_t> row(static_cast<std::size_t>(image.width) * 3);
  if (setjmp(error.jump)) {
    jpeg_destroy_compress(&info);
    std::free(buffer);
    throw std::runtime_error(std::string("JPEG: ") + error.message);
  }
  jpeg_create_compress(&info);
  jpeg_mem_dest(&info, &buffer, &size);
  info.image_width = static_cast<JDIMENSION>(image.width);
  info.image_height = static_cast<JDIMENSION>(image.height);
  info.input_components = image.channels == 1 ? 1 : 3;
  info.in_color_space = image.channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_set_defaults(&info);
  jpeg_set_quality(&info, quality, TRUE);
  jpeg_start_compress(&info, TRUE);
  while (info.next_scanline < info.image_height) {
    const std::uint8_t* source = image.Row(static_cast<int>(info.next_scanline));
    JSAMPROW pointer = const_cast<JSAMPROW>(source);
    if (image.channels == 4) {  // drop alpha
      for (int x = 0; x < image.width; ++x) std::memcpy(&row[x * 3], source + x * 4, 3);
      pointer = row.data();
    }
    jpeg_write_scanlines(&info, &pointer, 1);
  }
  jpeg_finish_compress(&info);
  std::string out(reinterpret_cast<const char*>(buffer), size);
  jpeg_destroy_compress(&info);
  std::free(buffer);
  return out;
}

Image<std::uint8_t> DecodeJpeg(std::string_view bytes) {
  jpeg_decompress_struct info{};
  JpegError error{};
  info.err = jpeg_std_error(&error.manager);
  error.manager.error_exit = OnJpegError;
  Image<std::uint8_t> image;
  if (setjmp(error.jump)) {
    jpeg_destroy_decompress(&info);
    throw std::runtime_error(std::string("JPEG: ") + error.message);
  }
  jpeg_create_decompress(&info);
  jpeg_mem_src(&info, reinterpret_cast<const unsigned char*>(bytes.data()),
               static_cast<unsigned long>(bytes.size()));
  jpeg_read_header(&info, TRUE);
  info.out_color_space = info.num_components == 1 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_start_decompress(&info);
  image = Image<std::uint8_t>(static_cast<int>(info.output_width),
                              static_cast<int>(info.output_height), info.output_components);
  while (info.output_scanline < info.output_height) {
    JSAMPROW pointer = image.View().Row(static_cast<int>(info.output_scanline));
    jpeg_read_scanlines(&info, &pointer, 1);
  }
  jpeg_finish_decompress(&info);
  jpeg_destroy_decompress(&info);
  return image;
}

}  // namespace ctp::native
