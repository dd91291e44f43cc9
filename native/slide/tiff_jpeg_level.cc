// Direct JPEG tile decoding of tiled TIFF levels (see tiff_jpeg_level.h).
#include "slide/tiff_jpeg_level.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "slide/tiff_jpeg_libraries.h"

namespace ctp::native {
namespace {

/// A tile larger than this (compressed) is refused as corrupt rather than allocated.
constexpr std::uint64_t kMaxTileBytes = std::uint64_t{64} << 20;

// An Adobe APP14 marker whose transform flag (last byte) tells the JPEG decoder the colour space
// of a 3-component stream: 0 = RGB, 1 = YCbCr. Aperio writes RGB-photometric tiles without any
// marker, which libjpeg would take for YCbCr; OpenSlide sets jpeg_color_space from the TIFF
// photometric tag, and the TurboJPEG API (no such setting) gets the same through this marker.
constexpr std::uint8_t kAdobeMarker[16] = {0xFF, 0xEE, 0x00, 0x0E, 'A',  'd',  'o',  'b',
                                           'e',  0x00, 0x64, 0x00, 0x00, 0x00, 0x00, 0x00};

int KeepTiffError(TIFF*, void* user_data, const char* module, const char* format, va_list args) {
  char text[512];
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  std::vsnprintf(text, sizeof text, format, args);
#pragma GCC diagnostic pop
  *static_cast<std::string*>(user_data) = module ? fmt::format("{}: {}", module, text) : text;
  return 1;  // handled: nothing on stderr
}

int IgnoreTiffWarning(TIFF*, void*, const char*, const char*, va_list) {
  return 1;  // e.g. Aperio's private tags; OpenSlide ignores them too
}

template <typename T>
T FieldOr(TIFF* tiff, ttag_t tag, T fallback) {
  T value = fallback;
  if (!Tiff().get_field_defaulted(tiff, tag, &value)) return fallback;
  return value;
}

}  // namespace

struct TiffJpegLevel::State {
  std::string tiff_error;             ///< The last libtiff error (its handler writes here).
  TIFF* tiff = nullptr;               ///< The open file, set to the level's directory.
  tjhandle decoder = nullptr;         ///< TurboJPEG decompressor.
  std::vector<std::uint8_t> prefix;   ///< JPEGTables without EOI (or SOI) + the Adobe marker.
  std::vector<std::uint8_t> stream;   ///< prefix + one tile without its SOI.
  std::vector<std::uint8_t> scratch;  ///< One decoded tile (tiles cut by the rectangle).
  int colorspace = TJCS_RGB;          ///< What the stream must decode as (from photometric).
  int level = 0;                      ///< The slide level, for messages.
  std::int64_t width = 0;             ///< Level size.
  std::int64_t height = 0;            ///< Level size.
  std::uint32_t tiles_across = 0;     ///< Tiles per row.

  ~State() {
    if (decoder) TurboJpeg().destroy(decoder);
    if (tiff) Tiff().close(tiff);
  }
};

TiffJpegLevel::TiffJpegLevel(std::unique_ptr<State> state, int tile_width, int tile_height)
    : state_(std::move(state)), tile_width_(tile_width), tile_height_(tile_height) {
  state_->scratch.resize(static_cast<std::size_t>(tile_width) * tile_height * 3);
}

TiffJpegLevel::~TiffJpegLevel() = default;

std::unique_ptr<TiffJpegLevel> TiffJpegLevel::Open(const std::filesystem::path& path, int level,
                                                   std::int64_t width, std::int64_t height,
                                                   std::string* why_not) {
  auto unsupported = [why_not](std::string reason) -> std::unique_ptr<TiffJpegLevel> {
    if (why_not) *why_not = std::move(reason);
    return nullptr;
  };
  try {
    Tiff();
    TurboJpeg();
  } catch (const std::exception& e) {
    return unsupported(e.what());
  }
  const TiffApi& tiff = Tiff();
  auto state = std::make_unique<State>();
  TIFFOpenOptions* options = tiff.open_options_alloc();
  tiff.set_error_handler(options, KeepTiffError, &state->tiff_error);
  tiff.set_warning_handler(options, IgnoreTiffWarning, nullptr);
  state->tiff = tiff.open(path.c_str(), "r", options);
  tiff.open_options_free(options);
  if (!state->tiff) return unsupported("libtiff cannot open it: " + state->tiff_error);
  const tdir_t directories = tiff.number_of_directories(state->tiff);
  for (tdir_t directory = 0; directory < directories; ++directory) {
    if (!tiff.set_directory(state->tiff, directory))
      return unsupported(fmt::format("libtiff: directory {}: {}", directory, state->tiff_error));
    TIFF* t = state->tiff;
    if (!tiff.is_tiled(t) || FieldOr<std::uint32_t>(t, TIFFTAG_IMAGEWIDTH, 0) != width ||
        FieldOr<std::uint32_t>(t, TIFFTAG_IMAGELENGTH, 0) != height)
      continue;
    const auto compression = FieldOr<std::uint16_t>(t, TIFFTAG_COMPRESSION, 0);
    const auto photometric = FieldOr<std::uint16_t>(t, TIFFTAG_PHOTOMETRIC, 0);
    if (compression != COMPRESSION_JPEG ||
        FieldOr<std::uint16_t>(t, TIFFTAG_PLANARCONFIG, 0) != PLANARCONFIG_CONTIG ||
        FieldOr<std::uint16_t>(t, TIFFTAG_BITSPERSAMPLE, 0) != 8 ||
        FieldOr<std::uint16_t>(t, TIFFTAG_SAMPLESPERPIXEL, 0) != 3 ||
        (photometric != PHOTOMETRIC_RGB && photometric != PHOTOMETRIC_YCBCR))
      return unsupported(
          fmt::format("directory {} is not 8-bit RGB/YCbCr JPEG (compression {}, photometric {})",
                      directory, compression, photometric));
    const auto tile_width = FieldOr<std::uint32_t>(t, TIFFTAG_TILEWIDTH, 0);
    const auto tile_height = FieldOr<std::uint32_t>(t, TIFFTAG_TILELENGTH, 0);
    if (tile_width == 0 || tile_height == 0 || tile_width > 8192 || tile_height > 8192)
      return unsupported(
          fmt::format("directory {}: tile size {}x{}", directory, tile_width, tile_height));
    std::uint32_t tables_size = 0;
    const std::uint8_t* tables = nullptr;
    if (tiff.get_field(t, TIFFTAG_JPEGTABLES, &tables_size, &tables) && tables &&
        tables_size >= 4 && tables[tables_size - 2] == 0xFF && tables[tables_size - 1] == 0xD9)
      state->prefix.assign(tables, tables + tables_size - 2);  // SOI, tables, no EOI
    else
      state->prefix = {0xFF, 0xD8};
    state->prefix.insert(state->prefix.end(), std::begin(kAdobeMarker), std::end(kAdobeMarker));
    state->prefix.back() = photometric == PHOTOMETRIC_YCBCR ? 1 : 0;
    state->colorspace = photometric == PHOTOMETRIC_YCBCR ? TJCS_YCbCr : TJCS_RGB;
    state->level = level;
    state->width = width;
    state->height = height;
    state->tiles_across = static_cast<std::uint32_t>((width + tile_width - 1) / tile_width);
    state->decoder = TurboJpeg().init_decompress();
    if (!state->decoder) return unsupported("TurboJPEG: cannot create a decompressor");
    return std::unique_ptr<TiffJpegLevel>(new TiffJpegLevel(
        std::move(state), static_cast<int>(tile_width), static_cast<int>(tile_height)));
  }
  return unsupported(fmt::format("no tiled directory of {}x{}", width, height));
}

void TiffJpegLevel::DecodeTile(std::uint32_t column, std::uint32_t row, std::uint8_t* rgb,
                               int pitch) {
  State& s = *state_;
  const std::uint32_t tile = row * s.tiles_across + column;
  const std::uint64_t bytes = Tiff().tile_byte_count(s.tiff, tile);
  if (bytes < 4 || bytes > kMaxTileBytes)
    throw std::runtime_error(fmt::format("read failed: tile {} has {} bytes", tile, bytes));
  // The tile is read so that its SOI lands on the prefix's last two bytes, then the prefix is
  // written over it: one copy of the compressed data, none of the pixels.
  const std::size_t at = s.prefix.size() - 2;
  s.stream.resize(at + bytes);
  s.tiff_error.clear();
  const tmsize_t read =
      Tiff().read_raw_tile(s.tiff, tile, s.stream.data() + at, static_cast<tmsize_t>(bytes));
  if (read != static_cast<tmsize_t>(bytes))
    throw std::runtime_error(fmt::format("read failed: tile {}: {}", tile, s.tiff_error));
  auto corrupt = [&](std::string_view message) {
    // libjpeg's warnings start with the same words (e.g. "Corrupt JPEG data: premature end of
    // data segment"); they are said once.
    constexpr std::string_view kSame = "Corrupt JPEG data: ";
    if (message.starts_with(kSame)) message.remove_prefix(kSame.size());
    return CorruptTileError(fmt::format("level {}, tile ({}, {}): corrupt JPEG data: {}", s.level,
                                        column, row, message));
  };
  if (s.stream[at] != 0xFF || s.stream[at + 1] != 0xD8)
    throw corrupt("the tile does not start with a JPEG start-of-image marker");
  std::memcpy(s.stream.data(), s.prefix.data(), s.prefix.size());
  const TurboJpegApi& tj = TurboJpeg();
  int width = 0, height = 0, subsampling = 0, colorspace = 0;
  if (tj.decompress_header(s.decoder, s.stream.data(), s.stream.size(), &width, &height,
                           &subsampling, &colorspace) != 0)
    throw corrupt(tj.error_text(s.decoder));
  if (width != tile_width_ || height != tile_height_ || colorspace != s.colorspace)
    throw std::runtime_error(
        fmt::format("read failed: tile {} is {}x{} in colour space {} (expected {}x{} in {})", tile,
                    width, height, colorspace, tile_width_, tile_height_, s.colorspace));
  // A warning (TJERR_WARNING: truncated data, a bad Huffman code or marker) is corruption too:
  // libjpeg would go on with made-up pixels, and OpenSlide refuses the same tile.
  if (tj.decompress(s.decoder, s.stream.data(), s.stream.size(), rgb, width, pitch, height,
                    TJPF_RGB, TJFLAG_STOPONWARNING) != 0)
    throw corrupt(tj.error_text(s.decoder));
}

void CountTileUses(std::int64_t x, std::int64_t y, int w, int h, int tile_width, int tile_height,
                   std::int64_t level_width, std::unordered_map<std::uint32_t, int>& uses) {
  const auto across = static_cast<std::uint32_t>((level_width + tile_width - 1) / tile_width);
  for (std::int64_t row = y / tile_height; row * tile_height < y + h; ++row)
    for (std::int64_t column = x / tile_width; column * tile_width < x + w; ++column)
      ++uses[static_cast<std::uint32_t>(row) * across + static_cast<std::uint32_t>(column)];
}

void TiffJpegLevel::ReadRgb(std::int64_t x, std::int64_t y, kernels::tiling::ImageU8 out,
                            TileCache* cache) {
  const State& s = *state_;
  const std::int64_t right = x + out.width, bottom = y + out.height;
  if (out.channels != 3 || x < 0 || y < 0 || right > s.width || bottom > s.height)
    throw std::invalid_argument(fmt::format(
        "TiffJpegLevel::ReadRgb: {}x{}x{} at ({}, {}) is not an RGB rectangle inside {}x{}",
        out.width, out.height, out.channels, x, y, s.width, s.height));
  const int pitch = static_cast<int>(out.stride);
  const int tile_pitch = tile_width_ * 3;
  for (std::int64_t top = y / tile_height_ * tile_height_; top < bottom; top += tile_height_) {
    for (std::int64_t left = x / tile_width_ * tile_width_; left < right; left += tile_width_) {
      const auto column = static_cast<std::uint32_t>(left / tile_width_);
      const auto row = static_cast<std::uint32_t>(top / tile_height_);
      const std::uint32_t tile = row * s.tiles_across + column;
      const bool shared = cache && cache->Uses(tile) > 1;
      if (!shared && left >= x && top >= y && left + tile_width_ <= right &&
          top + tile_height_ <= bottom) {
        DecodeTile(column, row, out.At(static_cast<int>(left - x), static_cast<int>(top - y)),
                   pitch);
        continue;
      }
      std::shared_ptr<const std::vector<std::uint8_t>> cached;
      const std::uint8_t* pixels = state_->scratch.data();
      if (shared) {
        cached = cache->Acquire(tile, [&](std::vector<std::uint8_t>& buffer) {
          buffer.resize(state_->scratch.size());
          DecodeTile(column, row, buffer.data(), tile_pitch);
        });
        pixels = cached->data();
      } else {
        DecodeTile(column, row, state_->scratch.data(), tile_pitch);
      }
      const std::int64_t x0 = std::max(x, left), x1 = std::min(right, left + tile_width_);
      const std::int64_t y0 = std::max(y, top), y1 = std::min(bottom, top + tile_height_);
      for (std::int64_t line = y0; line < y1; ++line)
        std::memcpy(out.At(static_cast<int>(x0 - x), static_cast<int>(line - y)),
                    pixels + (line - top) * tile_pitch + (x0 - left) * 3,
                    static_cast<std::size_t>(x1 - x0) * 3);
      if (shared) cache->Release(tile);
    }
  }
}

}  // namespace ctp::native
