// PNG (libpng's simplified API) and JPEG (libjpeg) decoding for image-folder data sets.
#include <csetjmp>
#include <cstddef>
#include <cstdio>
#include <fstream>
#include <memory>
#include <stdexcept>

#include "dataset.h"

// jpeglib.h uses size_t and FILE without including their headers.
#include <jpeglib.h>
#include <png.h>

namespace ctp::native {
namespace {

bool IsPng(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  char magic[4] = {};
  in.read(magic, 4);
  return magic[1] == 'P' && magic[2] == 'N' && magic[3] == 'G';
}

/// Interleaved HWC → planar CHW.
std::vector<std::uint8_t> ToPlanar(const std::vector<std::uint8_t>& hwc, int channels, int pixels) {
  std::vector<std::uint8_t> chw(hwc.size());
  for (int p = 0; p < pixels; ++p)
    for (int c = 0; c < channels; ++c)
      chw[std::size_t(c) * pixels + p] = hwc[std::size_t(p) * channels + c];
  return chw;
}

std::vector<std::uint8_t> DecodePng(const std::filesystem::path& path, int channels, int& height,
                                    int& width) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&image, path.c_str()))
    throw std::runtime_error(path.string() + ": cannot read PNG: " + image.message);
  image.format = channels == 1 ? PNG_FORMAT_GRAY : PNG_FORMAT_RGB;
  std::vector<std::uint8_t> hwc(PNG_IMAGE_SIZE(image));
  if (!png_image_finish_read(&image, nullptr, hwc.data(), 0, nullptr))
    throw std::runtime_error(path.string() + ": cannot decode PNG: " + image.message);
  height = int(image.height);
  width = int(image.width);
  return ToPlanar(hwc, channels, height * width);
}

struct JpegError {
  jpeg_error_mgr manager;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

std::vector<std::uint8_t> DecodeJpeg(const std::filesystem::path& path, int channels, int& height,
                                     int& width) {
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) throw std::runtime_error(path.string() + ": cannot open");
  jpeg_decompress_struct info{};
  JpegError error{};
  info.err = jpeg_std_error(&error.manager);
  error.manager.error_exit = [](j_common_ptr common) {
    auto* e = reinterpret_cast<JpegError*>(common->err);
    e->manager.format_message(common, e->message);
    std::longjmp(e->jump, 1);
  };
  std::vector<std::uint8_t> hwc;
  // No C++ object with a destructor is created between setjmp and a possible longjmp.
  if (setjmp(error.jump)) {
    jpeg_destroy_decompress(&info);
    throw std::runtime_error(path.string() + ": cannot decode JPEG: " + error.message);
  }
  jpeg_create_decompress(&info);
  jpeg_stdio_src(&info, file.get());
  jpeg_read_header(&info, TRUE);
  info.out_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_start_decompress(&info);
  height = int(info.output_height);
  width = int(info.output_width);
  hwc.resize(std::size_t(height) * width * channels);
  while (info.output_scanline < info.output_height) {
    JSAMPROW row = hwc.data() + std::size_t(info.output_scanline) * width * channels;
    jpeg_read_scanlines(&info, &row, 1);
  }
  jpeg_finish_decompress(&info);
  jpeg_destroy_decompress(&info);
  return ToPlanar(hwc, channels, height * width);
}

}  // namespace

int ImageChannels(const std::filesystem::path& path) {
  if (IsPng(path)) {
    png_image image{};
    image.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&image, path.c_str()))
      throw std::runtime_error(path.string() + ": cannot read PNG: " + image.message);
    const bool grey = (image.format & PNG_FORMAT_FLAG_COLOR) == 0;
    png_image_free(&image);
    return grey ? 1 : 3;
  }
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) throw std::runtime_error(path.string() + ": cannot open");
  unsigned char header[4] = {};
  if (std::fread(header, 1, 4, file.get()) != 4 || header[0] != 0xff || header[1] != 0xd8)
    throw std::runtime_error(path.string() + ": not a PNG or JPEG file");
  return 3;  // JPEG: decoded as RGB unless the data set is grey (then libjpeg converts)
}

std::vector<std::uint8_t> DecodeImage(const std::filesystem::path& path, int channels, int& height,
                                      int& width) {
  return IsPng(path) ? DecodePng(path, channels, height, width)
                     : DecodeJpeg(path, channels, height, width);
}

}  // namespace ctp::native
