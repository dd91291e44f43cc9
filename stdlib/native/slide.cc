// OpenSlide wrapper and the low-resolution read used for tissue detection.
#include "slide.h"

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "ctp/kernels/tiling/color.h"
#include "ctp/kernels/tiling/downsample.h"
#include "openslide_loader.h"
#include "tiff_jpeg_level.h"

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

LowResolutionImage ReadLowResolution(Slide& slide, int min_side, kernels::Device device,
                                     bool allow_direct) {
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
  const int width = static_cast<int>(size.width), height = static_cast<int>(size.height);
  result.rgb = tiling::Image<std::uint8_t>(width / result.factor, height / result.factor, 3);
  // One read when the level is small (exact: OpenSlide positions bands at level-0 coordinates,
  // which need not be whole level pixels); bands of about 256 rows otherwise.
  const bool one_read = static_cast<std::int64_t>(width) * height <= (std::int64_t{1} << 26);
  const int band_rows = one_read ? std::max(1, height - height % result.factor)
                                 : result.factor * std::max(1, 256 / result.factor);
  std::vector<std::uint32_t> argb(static_cast<std::size_t>(width) * band_rows);
  const bool averaged = result.factor > 1;  // else the conversion writes the result directly
  tiling::Image<std::uint8_t> band(averaged ? width : 0, averaged ? band_rows : 0, 3);
  const double downsample = slide.Downsample(result.level);
  std::unique_ptr<TiffJpegLevel> direct;
  if (allow_direct && (slide.Vendor() == "aperio" || slide.Vendor() == "generic-tiff"))
    direct = TiffJpegLevel::Open(slide.Path(), size.width, size.height);
  for (int row = 0; row < result.rgb.height * result.factor; row += band_rows) {
    int rows = std::min(band_rows, result.rgb.height * result.factor - row);
    if (direct) {
      try {
        tiling::ImageU8 target =
            result.rgb.View().Crop(0, row / result.factor, result.rgb.width, rows / result.factor);
        if (!averaged) {
          direct->ReadRgb(0, row, target);
        } else {
          tiling::ImageU8 band_view = band.View().Crop(0, 0, width, rows);
          direct->ReadRgb(0, row, band_view);
          tiling::BoxDownsample(band_view, result.factor, target, device);
        }
        continue;
      } catch (const std::exception&) {
        direct.reset();  // OpenSlide from here on (it re-reads this band)
      }
    }
    slide.ReadArgb(0, static_cast<std::int64_t>(row * downsample), result.level, width, rows,
                   argb.data());
    tiling::ImageU8 target =
        result.rgb.View().Crop(0, row / result.factor, result.rgb.width, rows / result.factor);
    auto argb_view = tiling::PackedView<const std::uint32_t>(argb.data(), width, rows, 1);
    if (!averaged) {
      tiling::PremultipliedArgbToRgb(argb_view, target, device);
    } else {
      tiling::ImageU8 band_view = band.View().Crop(0, 0, width, rows);
      tiling::PremultipliedArgbToRgb(argb_view, band_view, device);
      tiling::BoxDownsample(band_view, result.factor, target, device);
    }
  }
  return result;
}

}  // namespace ctp::native
