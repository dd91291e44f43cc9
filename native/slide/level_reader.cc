// Direct JPEG tiles or OpenSlide, per worker (see level_reader.h).
#include "slide/level_reader.h"

#include <atomic>
#include <exception>

#include "ctp/kernels/tiling/color.h"

namespace ctp::native {

namespace tiling = kernels::tiling;

namespace {
std::atomic<std::uint64_t> regions_read{0};  // LevelReader::RegionsRead
}  // namespace

bool DecodedLevelServesPatches(const DecodedLevel& decoded, int level, double downsample,
                               const ReadMode& mode) {
  if (decoded.level != level || decoded.direct != mode.direct) return false;
  return mode.direct || downsample == 1.0;
}

ReadMode ChooseReadMode(const std::filesystem::path& path, const Slide& slide, int level,
                        bool allow_direct) {
  if (!allow_direct) return {false, "--decoder openslide"};
  const std::string vendor = slide.Vendor();
  if (vendor != "aperio" && vendor != "generic-tiff")
    return {false, "OpenSlide vendor '" + vendor + "' (direct: aperio, generic-tiff)"};
  const LevelSize size = slide.Size(level);
  std::string why_not;
  const auto reader = TiffJpegLevel::Open(path, level, size.width, size.height, &why_not);
  if (!reader) return {false, why_not};
  return {true, "", reader->TileWidth(), reader->TileHeight()};
}

LevelReader::LevelReader(const std::filesystem::path& path, int level, double downsample,
                         std::int64_t width, std::int64_t height, const ReadMode& mode,
                         kernels::Device device)
    : path_(path), level_(level), downsample_(downsample), device_(device) {
  if (mode.direct) direct_ = TiffJpegLevel::Open(path, level, width, height);
  if (!direct_) slide_.emplace(path);
}

void LevelReader::ReadRgb(std::int64_t level_x, std::int64_t level_y, tiling::ImageU8 out,
                          TileCache* cache) {
  regions_read.fetch_add(1, std::memory_order_relaxed);
  if (direct_) {
    try {
      direct_->ReadRgb(level_x, level_y, out, cache);
      return;
    } catch (const CorruptTileError&) {
      throw;  // the slide is corrupt: no other reader makes its pixels right
    } catch (const std::exception&) {
      direct_.reset();  // this slide's tiles are not what they claimed: OpenSlide from now on
    }
  }
  ReadThroughOpenslide(level_x, level_y, out);
}

std::uint64_t LevelReader::RegionsRead() { return regions_read.load(); }

void LevelReader::ReadThroughOpenslide(std::int64_t level_x, std::int64_t level_y,
                                       tiling::ImageU8 out) {
  if (!slide_) slide_.emplace(path_);
  argb_.resize(out.Pixels());
  slide_->ReadArgb(static_cast<std::int64_t>(static_cast<double>(level_x) * downsample_),
                   static_cast<std::int64_t>(static_cast<double>(level_y) * downsample_), level_,
                   out.width, out.height, argb_.data());
  tiling::PremultipliedArgbToRgb(
      tiling::PackedView<const std::uint32_t>(argb_.data(), out.width, out.height, 1), out,
      device_);
}

}  // namespace ctp::native
