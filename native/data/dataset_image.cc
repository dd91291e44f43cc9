// Image-folder data sets: files read here, decoded by image_io.h (the one PNG/JPEG
// implementation, shared with tile and predict), converted to the data set's channel count
// (1 or 3) and reordered from interleaved HWC to planar CHW.
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "data/dataset.h"
#include "formats/image_io.h"

namespace ctp::native {
namespace {

using DecodedImage = kernels::tiling::Image<std::uint8_t>;

std::string ReadBytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path.string() + ": cannot open");
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

bool IsPng(std::string_view bytes) { return bytes.size() >= 4 && bytes.substr(1, 3) == "PNG"; }

bool IsJpeg(std::string_view bytes) {
  return bytes.size() >= 2 && std::uint8_t(bytes[0]) == 0xff && std::uint8_t(bytes[1]) == 0xd8;
}

/// The decoded file; errors name it.
DecodedImage Decode(const std::filesystem::path& path) {
  const std::string bytes = ReadBytes(path);
  if (!IsPng(bytes) && !IsJpeg(bytes))
    throw std::runtime_error(path.string() + ": not a PNG or JPEG file");
  try {
    return IsPng(bytes) ? DecodePng(bytes) : DecodeJpeg(bytes);
  } catch (const std::runtime_error& error) {
    throw std::runtime_error(path.string() + ": cannot decode: " + error.what());
  }
}

/// Value of channel c (of `channels` wanted) at interleaved pixel p of `image`: grey is repeated
/// into RGB, RGB becomes grey by the ITU-R BT.601 weights (libjpeg's), alpha is dropped.
std::uint8_t Sample(const DecodedImage& image, std::size_t p, int c, int channels) {
  const std::uint8_t* pixel = image.pixels.data() + p * image.channels;
  const bool colour = image.channels >= 3;
  if (channels == 3) return colour ? pixel[c] : pixel[0];
  if (!colour) return pixel[0];
  return std::uint8_t((299 * pixel[0] + 587 * pixel[1] + 114 * pixel[2] + 500) / 1000);
}

}  // namespace

int ImageChannels(const std::filesystem::path& path) { return Decode(path).channels >= 3 ? 3 : 1; }

std::vector<std::uint8_t> DecodeImage(const std::filesystem::path& path, int channels, int& height,
                                      int& width) {
  const DecodedImage image = Decode(path);
  height = image.height;
  width = image.width;
  const std::size_t pixels = std::size_t(height) * width;
  std::vector<std::uint8_t> planar(pixels * channels);
  for (int c = 0; c < channels; ++c)
    for (std::size_t p = 0; p < pixels; ++p) planar[c * pixels + p] = Sample(image, p, c, channels);
  return planar;
}

}  // namespace ctp::native
