// A whole-slide image opened with OpenSlide: levels, region reads as premultiplied ARGB, and a
// low-resolution RGB view for tissue detection. One Slide per thread (an OpenSlide handle is
// thread-safe, but one per worker keeps tile caches and locks apart).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "ctp/kernels/device.h"
#include "ctp/kernels/tiling/image_view.h"
#include "ctp/kernels/tiling/patch_score.h"

namespace ctp::native {

/// Width and height of a slide level in pixels.
struct LevelSize {
  std::int64_t width = 0;   ///< Pixels per row.
  std::int64_t height = 0;  ///< Rows.
};

/// An open OpenSlide handle. Errors throw std::runtime_error with a message that does not name
/// the file (callers prefix it).
class Slide {
 public:
  /// Opens `path`; throws when OpenSlide does not recognise it or fails to open it.
  explicit Slide(const std::filesystem::path& path);
  ~Slide();
  Slide(Slide&&) noexcept;
  Slide& operator=(Slide&&) noexcept;

  /// Number of pyramid levels.
  int LevelCount() const;
  /// Size of `level`.
  LevelSize Size(int level) const;
  /// Level-0 pixels per pixel of `level`.
  double Downsample(int level) const;
  /// The `openslide.vendor` property ("aperio", "hamamatsu", ...), or "".
  std::string Vendor() const;
  /// The file this slide was opened from.
  const std::filesystem::path& Path() const;
  /// Reads the w x h region whose top-left is (x0, y0) in level-0 pixels at `level` into
  /// `argb` (premultiplied ARGB, w*h values). Throws with OpenSlide's error.
  void ReadArgb(std::int64_t x0, std::int64_t y0, int level, int w, int h, std::uint32_t* argb);

 private:
  struct Handle;
  std::unique_ptr<Handle> handle_;
};

/// A low-resolution RGB view of a slide and where it comes from.
struct LowResolutionImage {
  kernels::tiling::Image<std::uint8_t> rgb;  ///< Composited over white, 3 channels.
  int level = 0;                             ///< The level that was read.
  int factor = 1;                            ///< Box-averaging factor applied to that level.
};

/// The lowest-resolution level whose longer side is >= min_side (level 0 if none), read in bands,
/// composited over white and box-averaged by floor(longer side / min_side) when that is >= 2
/// (so a single-level slide gives an image of about min_side..2*min_side pixels). The colour
/// conversion and the averaging run on `device`. When `allow_direct` and the level is a
/// JPEG-tiled Aperio / generic TIFF directory, its tiles are decoded directly (TiffJpegLevel:
/// OpenSlide's pixels at whole level rows, several times cheaper); OpenSlide otherwise, or after
/// a direct read fails (OpenSlide then reports its own error).
LowResolutionImage ReadLowResolution(Slide& slide, int min_side,
                                     kernels::Device device = kernels::Device::kCpu,
                                     bool allow_direct = true);

/// A whole slide level decoded by ReadLowResolutions, kept so that the patches of that level can
/// be cut from it, and which reader decoded it.
struct DecodedLevel {
  kernels::tiling::Image<std::uint8_t> rgb;  ///< All rows of the level, RGB over white.
  int level = -1;                            ///< The level (-1: none kept).
  bool direct = false;  ///< Decoded from the JPEG tiles (TiffJpegLevel), else by OpenSlide.
};

/// ReadLowResolution for each of `min_sides` (not empty); when all come from one level that is
/// read in one go (a small single-level slide: tissue mask and thumbnail), it is decoded once
/// (directly: in up to `threads` bands at once), and when `whole_level` is given, that decode (all
/// the level's rows) is moved into it.
std::vector<LowResolutionImage> ReadLowResolutions(Slide& slide, const std::vector<int>& min_sides,
                                                   kernels::Device device = kernels::Device::kCpu,
                                                   bool allow_direct = true,
                                                   DecodedLevel* whole_level = nullptr,
                                                   int threads = 1);

}  // namespace ctp::native
