// OpenSlide wrapper and the low-resolution read used for tissue detection.
#include "slide/slide.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "ctp/kernels/tiling/color.h"
#include "ctp/kernels/tiling/downsample.h"
#include "slide/openslide_loader.h"
#include "slide/tiff_jpeg_level.h"

namespace ctp::native {

namespace tiling = kernels::tiling;

struct Slide::Handle {
  std::filesystem::path path;
  openslide_t* osr = nullptr;
  ~Handle() {
    if (osr) Openslide().close(osr);
  }
};

Slide::Slide(const std::filesystem::path& path) : handle_(std::make_unique<Handle>()) {
  handle_->path = path;
  std::error_code error;
  if (std::filesystem::file_size(path, error) == 0 && !error)
    throw std::runtime_error("cannot open: empty file");
  if (!Openslide().detect_vendor(path.c_str()))
    throw std::runtime_error("cannot open: not a slide format OpenSlide recognises");
  handle_->osr = Openslide().open(path.c_str());
  if (!handle_->osr) throw std::runtime_error("cannot open: OpenSlide could not open it");
  if (const char* message = Openslide().get_error(handle_->osr))
    throw std::runtime_error(std::string("cannot open: ") + message);
}

Slide::~Slide() = default;
Slide::Slide(Slide&&) noexcept = default;
Slide& Slide::operator=(Slide&&) noexcept = default;

const std::filesystem::path& Slide::Path() const { return handle_->path; }

int Slide::LevelCount() const { return Openslide().get_level_count(handle_->osr); }

LevelSize Slide::Size(int level) const {
  LevelSize size;
  Openslide().get_level_dimensions(handle_->osr, level, &size.width, &size.height);
  return size;
}

double Slide::Downsample(int level) const {
  return Openslide().get_level_downsample(handle_->osr, level);
}

std::string Slide::Vendor() const {
  const char* vendor = Openslide().get_property_value(handle_->osr, OPENSLIDE_PROPERTY_NAME_VENDOR);
  return vendor ? vendor : "";
}

void Slide::ReadArgb(std::int64_t x0, std::int64_t y0, int level, int w, int h,
                     std::uint32_t* argb) {
  Openslide().read_region(handle_->osr, argb, x0, y0, level, w, h);
  if (const char* message = Openslide().get_error(handle_->osr))
    throw std::runtime_error(std::string("read failed: ") + message);
}

namespace {

// The level and box factor of the low-resolution image of longer side >= min_side.
LowResolutionImage ChooseLowResolution(Slide& slide, int min_side) {
  LowResolutionImage result;
  for (int level = slide.LevelCount() - 1; level >= 0; --level) {
    LevelSize size = slide.Size(level);
    if (std::max(size.width, size.height) >= min_side) {
      result.level = level;
      break;
    }
  }
  LevelSize size = slide.Size(result.level);
  std::int64_t longer = std::max(size.width, size.height);
  result.factor = std::max<int>(1, static_cast<int>(longer / std::max(1, min_side)));
  return result;
}

// Whole level rows read in one call when the level is small (exact: OpenSlide positions bands
// at level-0 coordinates, which need not be whole level pixels); bands of ~256 rows otherwise.
bool ReadInOneGo(LevelSize size) { return size.width * size.height <= (std::int64_t{1} << 26); }

// Reads full-width rows [row, row + out.height) of a level into `out` (RGB over white): direct
// JPEG tiles while `direct` is set (reset when a read fails: OpenSlide re-reads, and reports its
// own error), else OpenSlide through `argb` (grown as needed).
void ReadRows(Slide& slide, int level, int row, tiling::ImageU8 out,
              std::unique_ptr<TiffJpegLevel>& direct, std::vector<std::uint32_t>& argb,
              kernels::Device device) {
  if (direct) {
    try {
      direct->ReadRgb(0, row, out);
      return;
    } catch (const CorruptTileError&) {
      throw;  // the slide is corrupt there
    } catch (const std::exception&) {
      direct.reset();  // OpenSlide from here on
    }
  }
  argb.resize(static_cast<std::size_t>(out.width) * out.height);
  slide.ReadArgb(0, static_cast<std::int64_t>(row * slide.Downsample(level)), level, out.width,
                 out.height, argb.data());
  tiling::PremultipliedArgbToRgb(
      tiling::PackedView<const std::uint32_t>(argb.data(), out.width, out.height, 1), out, device);
}

// ReadRows of a whole level (rows from 0) split into up to `threads` bands of whole tile rows,
// decoded at once, each band by its own direct reader (the first by `direct`): the same pixels as
// one read, sooner. Where a band fails (or no extra reader opens), `direct` is reset and the level
// is read again through OpenSlide, as ReadRows does.
void ReadLevelRows(Slide& slide, int level, tiling::ImageU8 out,
                   std::unique_ptr<TiffJpegLevel>& direct, std::vector<std::uint32_t>& argb,
                   kernels::Device device, int threads) {
  const int tile_height = direct ? direct->TileHeight() : 1;
  const int tile_rows = (out.height + tile_height - 1) / tile_height;
  const int bands = direct ? std::min(threads, tile_rows) : 1;
  if (bands > 1) {
    const int band_rows = (tile_rows + bands - 1) / bands * tile_height;
    const LevelSize size = slide.Size(level);
    std::atomic<bool> failed{false};
    std::mutex mutex;
    std::exception_ptr corrupt;  // the first band's CorruptTileError, thrown after the join
    auto read_band = [&](int band, TiffJpegLevel* reader) {
      try {
        std::unique_ptr<TiffJpegLevel> own;
        if (!reader) {
          own = TiffJpegLevel::Open(slide.Path(), level, size.width, size.height);
          if (!own) throw std::runtime_error("no second reader");
          reader = own.get();
        }
        const int top = band * band_rows;
        if (top < out.height)
          reader->ReadRgb(0, top,
                          out.Crop(0, top, out.width, std::min(band_rows, out.height - top)));
      } catch (const CorruptTileError&) {
        const std::lock_guard lock(mutex);
        if (!corrupt) corrupt = std::current_exception();
        failed = true;
      } catch (const std::exception&) {
        failed = true;
      }
    };
    std::vector<std::thread> helpers;
    for (int band = 1; band < bands; ++band) helpers.emplace_back(read_band, band, nullptr);
    read_band(0, direct.get());
    for (std::thread& helper : helpers) helper.join();
    if (corrupt) std::rethrow_exception(corrupt);
    if (!failed) return;
    direct.reset();  // OpenSlide from here on
  }
  ReadRows(slide, level, 0, out, direct, argb, device);
}

std::unique_ptr<TiffJpegLevel> DirectReader(Slide& slide, int level, bool allow_direct) {
  if (!allow_direct || (slide.Vendor() != "aperio" && slide.Vendor() != "generic-tiff"))
    return nullptr;
  LevelSize size = slide.Size(level);
  return TiffJpegLevel::Open(slide.Path(), level, size.width, size.height);
}

// `level_rows` (full width, from row 0) box-averaged by `choice.factor` into choice.rgb.
void Downsample(tiling::ConstImageU8 level_rows, LowResolutionImage& choice,
                kernels::Device device) {
  choice.rgb = tiling::Image<std::uint8_t>(level_rows.width / choice.factor,
                                           level_rows.height / choice.factor, 3);
  tiling::ConstImageU8 used =
      level_rows.Crop(0, 0, level_rows.width, choice.rgb.height * choice.factor);
  if (choice.factor == 1)
    for (int y = 0; y < used.height; ++y)
      std::copy_n(used.Row(y), static_cast<std::size_t>(used.width) * 3, choice.rgb.View().Row(y));
  else
    tiling::BoxDownsample(used, choice.factor, choice.rgb.View(), device);
}

}  // namespace

LowResolutionImage ReadLowResolution(Slide& slide, int min_side, kernels::Device device,
                                     bool allow_direct) {
  return ReadLowResolutions(slide, {min_side}, device, allow_direct).front();
}

std::vector<LowResolutionImage> ReadLowResolutions(Slide& slide, const std::vector<int>& min_sides,
                                                   kernels::Device device, bool allow_direct,
                                                   DecodedLevel* whole_level, int threads) {
  std::vector<LowResolutionImage> results;
  for (int min_side : min_sides) results.push_back(ChooseLowResolution(slide, min_side));
  const int level = results.front().level;
  const LevelSize size = slide.Size(level);
  const int width = static_cast<int>(size.width), height = static_cast<int>(size.height);
  std::vector<std::uint32_t> argb;
  const bool shared =
      std::all_of(results.begin(), results.end(),
                  [level](const LowResolutionImage& r) { return r.level == level; });
  if (shared && ReadInOneGo(size)) {      // decode the level once, average it per image
    int rows = whole_level ? height : 0;  // the images use whole multiples of their factor
    for (const LowResolutionImage& r : results)
      rows = std::max(rows, std::max(1, height - height % r.factor));
    tiling::Image<std::uint8_t> level_rows(width, rows, 3);
    std::unique_ptr<TiffJpegLevel> direct = DirectReader(slide, level, allow_direct);
    ReadLevelRows(slide, level, level_rows.View(), direct, argb, device, threads);
    for (LowResolutionImage& r : results) Downsample(level_rows.View(), r, device);
    if (whole_level) *whole_level = {std::move(level_rows), level, direct != nullptr};
    return results;
  }
  for (LowResolutionImage& result : results) {  // in bands of about 256 rows, one image at a time
    const LevelSize own = slide.Size(result.level);
    const int w = static_cast<int>(own.width), h = static_cast<int>(own.height);
    result.rgb = tiling::Image<std::uint8_t>(w / result.factor, h / result.factor, 3);
    const int band_rows = ReadInOneGo(own) ? std::max(1, h - h % result.factor)
                                           : result.factor * std::max(1, 256 / result.factor);
    const bool averaged = result.factor > 1;  // else rows are read into the result directly
    tiling::Image<std::uint8_t> band(averaged ? w : 0, averaged ? band_rows : 0, 3);
    std::unique_ptr<TiffJpegLevel> direct = DirectReader(slide, result.level, allow_direct);
    for (int row = 0; row < result.rgb.height * result.factor; row += band_rows) {
      const int rows = std::min(band_rows, result.rgb.height * result.factor - row);
      tiling::ImageU8 target =
          result.rgb.View().Crop(0, row / result.factor, result.rgb.width, rows / result.factor);
      if (!averaged) {
        ReadRows(slide, result.level, row, target, direct, argb, device);
      } else {
        tiling::ImageU8 band_view = band.View().Crop(0, 0, w, rows);
        ReadRows(slide, result.level, row, band_view, direct, argb, device);
        tiling::BoxDownsample(band_view, result.factor, target, device);
      }
    }
  }
  return results;
}

}  // namespace ctp::native
