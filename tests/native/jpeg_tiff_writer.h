// A small generic tiled TIFF with JPEG tiles (YCbCr), written by the tests, as OpenSlide's
// generic-tiff driver and the tile step's direct decoder read it: one directory, each tile a
// whole JPEG stream. Tests damage a tile's bytes before writing it.
#pragma once

#include <doctest/doctest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "formats/image_io.h"

namespace ctp::testing {

/// The tiles of a one-level JPEG TIFF, row-major, each a JPEG stream.
struct JpegTiff {
  int width = 0;   ///< Image width in pixels.
  int height = 0;  ///< Image height in pixels.
  int tile = 0;    ///< Tile side in pixels (a multiple of 16).
  std::vector<std::string> tiles;
};

/// A width x height RGB test image: white around a centred rectangle of pink noise (tissue-like,
/// so that the tile step keeps patches there and the JPEG tiles hold real entropy-coded data).
inline kernels::tiling::Image<std::uint8_t> NoisyTissue(int width, int height) {
  kernels::tiling::Image<std::uint8_t> image(width, height, 3, 255);
  std::uint32_t state = 12345;
  for (int y = height / 5; y < height * 4 / 5; ++y)
    for (int x = width / 5; x < width * 4 / 5; ++x) {
      std::uint8_t* pixel = image.View().At(x, y);
      for (int c = 0; c < 3; ++c) {
        state = state * 1664525u + 1013904223u;
        pixel[c] = static_cast<std::uint8_t>((c == 1 ? 90 : 170) + (state >> 26));
      }
    }
  return image;
}

/// `image` (sides multiples of `tile`) cut into JPEG tiles of quality 90.
inline JpegTiff MakeJpegTiff(const kernels::tiling::Image<std::uint8_t>& image, int tile) {
  JpegTiff tiff{image.width, image.height, tile, {}};
  for (int y = 0; y < image.height; y += tile)
    for (int x = 0; x < image.width; x += tile)
      tiff.tiles.push_back(native::EncodeJpeg(image.View().Crop(x, y, tile, tile), 90));
  return tiff;
}

/// The offset of the middle of a JPEG stream's entropy-coded data (after its SOS header).
inline std::size_t MiddleOfScan(const std::string& jpeg) {
  const std::size_t sos = jpeg.find("\xFF\xDA");
  REQUIRE(sos != std::string::npos);
  const std::size_t length = (std::uint8_t(jpeg[sos + 2]) << 8) | std::uint8_t(jpeg[sos + 3]);
  const std::size_t begin = sos + 2 + length, end = jpeg.size() - 2;  // before the EOI
  REQUIRE(end > begin + 64);
  return begin + (end - begin) / 2;
}

/// Writes `tiff` as a little-endian classic TIFF: tiled, JPEG (7), YCbCr 4:2:0, 8-bit RGB.
inline void WriteJpegTiff(const JpegTiff& tiff, const std::filesystem::path& path) {
  constexpr std::uint16_t kShort = 3, kLong = 4;
  struct Entry {
    std::uint16_t tag, type;
    std::uint32_t count, value;
  };
  const auto tiles = static_cast<std::uint32_t>(tiff.tiles.size());
  const std::uint32_t entries = 12, ifd = 8;
  const std::uint32_t bits_at = ifd + 2 + entries * 12 + 4;
  const std::uint32_t offsets_at = bits_at + 6, counts_at = offsets_at + 4 * tiles;
  std::uint32_t data_at = counts_at + 4 * tiles;
  std::vector<std::uint32_t> offsets, counts;
  for (const std::string& jpeg : tiff.tiles) {
    offsets.push_back(data_at);
    counts.push_back(static_cast<std::uint32_t>(jpeg.size()));
    data_at += counts.back();
  }
  const auto width = static_cast<std::uint32_t>(tiff.width);
  const auto height = static_cast<std::uint32_t>(tiff.height);
  const auto side = static_cast<std::uint32_t>(tiff.tile);
  const Entry ifd_entries[entries] = {{256, kLong, 1, width},
                                      {257, kLong, 1, height},
                                      {258, kShort, 3, bits_at},
                                      {259, kShort, 1, 7},  // compression: JPEG
                                      {262, kShort, 1, 6},  // photometric: YCbCr
                                      {277, kShort, 1, 3},
                                      {284, kShort, 1, 1},  // 3 samples, contiguous
                                      {322, kLong, 1, side},
                                      {323, kLong, 1, side},
                                      {324, kLong, tiles, offsets_at},
                                      {325, kLong, tiles, counts_at},
                                      {530, kShort, 2, 2 | (2u << 16)}};  // YCbCr subsampling 2, 2
  REQUIRE(tiles > 1);  // the offsets and counts are arrays, not values in the entries
  std::string out = "II";
  auto put16 = [&out](std::uint32_t v) { out.append({char(v & 0xFF), char((v >> 8) & 0xFF)}); };
  auto put32 = [&](std::uint32_t v) {
    put16(v & 0xFFFF);
    put16(v >> 16);
  };
  put16(42);
  put32(ifd);
  put16(entries);
  for (const Entry& e : ifd_entries) {
    put16(e.tag);
    put16(e.type);
    put32(e.count);
    put32(e.value);
  }
  put32(0);  // no next directory
  for (int i = 0; i < 3; ++i) put16(8);
  for (std::uint32_t offset : offsets) put32(offset);
  for (std::uint32_t count : counts) put32(count);
  for (const std::string& jpeg : tiff.tiles) out += jpeg;
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file.write(out.data(), static_cast<std::streamsize>(out.size()));
  REQUIRE(file.flush());
}

}  // namespace ctp::testing
