#include "slide/tiff_jpeg_libraries.h"

#include "ctp/base/shared_library.h"

namespace ctp::native {

TiffApi LoadTiff(const std::string& name) {
  const base::SharedLibrary library(name, "libtiff, Debian package libtiff6");
  TiffApi api{};
  library.Bind("TIFFOpenOptionsAlloc", api.open_options_alloc);
  library.Bind("TIFFOpenOptionsFree", api.open_options_free);
  library.Bind("TIFFOpenOptionsSetErrorHandlerExtR", api.set_error_handler);
  library.Bind("TIFFOpenOptionsSetWarningHandlerExtR", api.set_warning_handler);
  library.Bind("TIFFOpenExt", api.open);
  library.Bind("TIFFClose", api.close);
  library.Bind("TIFFNumberOfDirectories", api.number_of_directories);
  library.Bind("TIFFSetDirectory", api.set_directory);
  library.Bind("TIFFIsTiled", api.is_tiled);
  library.Bind("TIFFGetField", api.get_field);
  library.Bind("TIFFGetFieldDefaulted", api.get_field_defaulted);
  library.Bind("TIFFComputeTile", api.compute_tile);
  library.Bind("TIFFGetStrileByteCount", api.tile_byte_count);
  library.Bind("TIFFReadRawTile", api.read_raw_tile);
  return api;
}

TurboJpegApi LoadTurboJpeg(const std::string& name) {
  const base::SharedLibrary library(name, "TurboJPEG, Debian package libturbojpeg0");
  TurboJpegApi api{};
  library.Bind("tjInitDecompress", api.init_decompress);
  library.Bind("tjDestroy", api.destroy);
  library.Bind("tjDecompressHeader3", api.decompress_header);
  library.Bind("tjDecompress2", api.decompress);
  library.Bind("tjGetErrorStr2", api.error_text);
  return api;
}

const TiffApi& Tiff() {
  static const TiffApi api = LoadTiff(CTP_TIFF_SONAME);
  return api;
}

const TurboJpegApi& TurboJpeg() {
  static const TurboJpegApi api = LoadTurboJpeg(CTP_TURBOJPEG_SONAME);
  return api;
}

}  // namespace ctp::native
