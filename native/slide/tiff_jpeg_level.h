// One JPEG-compressed, tiled TIFF directory (an Aperio SVS level or a generic tiled TIFF level)
// read without OpenSlide: raw tiles (TIFFReadRawTile) joined to the JPEGTables and decoded by
// TurboJPEG straight into RGB, skipping OpenSlide's cairo compositing and the ARGB conversion.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <unordered_map>

#include "ctp/kernels/tiling/image_view.h"
#include "tile/tile_cache.h"

namespace ctp::native {

/// Adds one use of every tile (row * tiles across + column) that a w x h read at level pixels
/// (x, y) decodes, on a level `level_width` wide cut into tile_width x tile_height tiles.
void CountTileUses(std::int64_t x, std::int64_t y, int w, int h, int tile_width, int tile_height,
                   std::int64_t level_width, std::unordered_map<std::uint32_t, int>& uses);

/// A tile whose JPEG data TurboJPEG refuses or warns about (truncated data, a bad marker or
/// Huffman code, no start-of-image marker): the slide is corrupt there, as OpenSlide (which takes
/// libjpeg's warnings for errors) would say too. what() is "level L, tile (COLUMN, ROW): corrupt
/// JPEG data: MESSAGE". Readers never fall back to OpenSlide on it.
class CorruptTileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A direct reader of one level. Not thread-safe: one per worker thread (each its own libtiff
/// handle and TurboJPEG decompressor).
class TiffJpegLevel {
 public:
  /// Opens the tiled directory of `path` whose image is width x height (slide level `level`,
  /// for messages), when it is JPEG, 8-bit, 3 samples, RGB or YCbCr, contiguous. Returns null
  /// otherwise (or when libtiff or TurboJPEG cannot be loaded), with the reason in `*why_not`
  /// when given.
  static std::unique_ptr<TiffJpegLevel> Open(const std::filesystem::path& path, int level,
                                             std::int64_t width, std::int64_t height,
                                             std::string* why_not = nullptr);
  ~TiffJpegLevel();
  TiffJpegLevel(const TiffJpegLevel&) = delete;
  TiffJpegLevel& operator=(const TiffJpegLevel&) = delete;

  /// Decodes the level's pixels [x, x + out.width) x [y, y + out.height), which must lie
  /// inside the level, into `out` (3 channels). Tiles that `cache` counts more than one use of
  /// are taken from it (decoded there once); of the others, those wholly inside the rectangle
  /// are decoded in place, the rest through one scratch tile. Throws CorruptTileError on a tile
  /// whose JPEG data is corrupt, std::runtime_error("read failed: ...") on one that cannot be
  /// read or is not what the directory says (size, colour space).
  void ReadRgb(std::int64_t x, std::int64_t y, kernels::tiling::ImageU8 out,
               TileCache* cache = nullptr);

  /// Tile width in pixels.
  int TileWidth() const { return tile_width_; }
  /// Tile height in pixels.
  int TileHeight() const { return tile_height_; }

 private:
  struct State;
  TiffJpegLevel(std::unique_ptr<State> state, int tile_width, int tile_height);
  void DecodeTile(std::uint32_t column, std::uint32_t row, std::uint8_t* rgb, int pitch);

  std::unique_ptr<State> state_;
  int tile_width_ = 0;
  int tile_height_ = 0;
};

}  // namespace ctp::native
