// Reads RGB regions of one slide level for a worker thread: directly from the JPEG tiles
// (TiffJpegLevel) when the slide is an Aperio SVS or generic tiled TIFF whose level is
// JPEG-compressed, else through OpenSlide (premultiplied ARGB composited over white).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ctp/kernels/device.h"
#include "ctp/kernels/tiling/image_view.h"
#include "slide/slide.h"
#include "slide/tiff_jpeg_level.h"

namespace ctp::native {

/// How a slide level will be read, decided once per slide (tile metadata records it).
struct ReadMode {
  bool direct = false;  ///< libtiff + TurboJPEG; else OpenSlide.
  std::string reason;   ///< Why not direct (empty when direct).
  int tile_width = 0;   ///< Direct: the level's tile size.
  int tile_height = 0;  ///< Direct: the level's tile size.
};

/// Decides whether `level` of the open `slide` (file `path`) is read directly: only when
/// `allow_direct` (false: `--decoder openslide`) and the slide's format allows it.
ReadMode ChooseReadMode(const std::filesystem::path& path, const Slide& slide, int level,
                        bool allow_direct);

/// Whether the patches of `level` (`downsample` level-0 pixels per pixel, read per `mode`) can be
/// cut from `decoded` with the very pixels a LevelReader would give: it holds that level and was
/// decoded by the same reader, and, for OpenSlide, the level is not scaled (OpenSlide places a
/// region at level-0 coordinates, which on a coarser level need not be whole level pixels).
bool DecodedLevelServesPatches(const DecodedLevel& decoded, int level, double downsample,
                               const ReadMode& mode);

/// One worker's reader of a level (not thread-safe; one per thread).
class LevelReader {
 public:
  /// Opens its own handles to `path` (a direct reader when `mode.direct`, OpenSlide otherwise or
  /// on the first fallback). `width` x `height` is the level size.
  LevelReader(const std::filesystem::path& path, int level, double downsample, std::int64_t width,
              std::int64_t height, const ReadMode& mode, kernels::Device device);

  /// Reads the level pixels whose top-left is (level_x, level_y) into `out` (RGB). A direct
  /// read that fails is retried through OpenSlide (which then reports its own error), except on
  /// corrupt JPEG data (CorruptTileError, thrown as it is); the
  /// OpenSlide read positions the region at level-0 (level_x, level_y) * downsample, rounded
  /// down, as the plan does. `cache` (direct reads only) shares tiles that several reads need.
  void ReadRgb(std::int64_t level_x, std::int64_t level_y, kernels::tiling::ImageU8 out,
               TileCache* cache = nullptr);

  /// Regions read by all LevelReaders of this process so far (tests check which reads ran).
  static std::uint64_t RegionsRead();

 private:
  void ReadThroughOpenslide(std::int64_t level_x, std::int64_t level_y,
                            kernels::tiling::ImageU8 out);

  std::filesystem::path path_;
  int level_ = 0;
  double downsample_ = 1;
  kernels::Device device_;
  std::unique_ptr<TiffJpegLevel> direct_;
  std::optional<Slide> slide_;
  std::vector<std::uint32_t> argb_;
};

}  // namespace ctp::native
