// libtiff and TurboJPEG, loaded on first use like OpenSlide (openslide_loader.h). libtiff maps
// eight more shared libraries (WebP, zstd, LZMA, LERC, JBIG, libdeflate, ...) that only a slide
// read needs; OpenSlide links the same libtiff, so once a slide is open loading it is nearly free.
#pragma once

// clang-format off
#include <tiffio.h>
#include <turbojpeg.h>
// clang-format on

#include <string>

namespace ctp::native {

/// The libtiff entry points the direct JPEG tile reader uses (libtiff >= 4.5: per-handle
/// error handlers through TIFFOpenOptions).
struct TiffApi {
  decltype(&TIFFOpenOptionsAlloc) open_options_alloc;                   ///< TIFFOpenOptionsAlloc
  decltype(&TIFFOpenOptionsFree) open_options_free;                     ///< TIFFOpenOptionsFree
  decltype(&TIFFOpenOptionsSetErrorHandlerExtR) set_error_handler;      ///< Per-handle errors.
  decltype(&TIFFOpenOptionsSetWarningHandlerExtR) set_warning_handler;  ///< Per-handle warnings.
  decltype(&TIFFOpenExt) open;                                          ///< TIFFOpenExt
  decltype(&TIFFClose) close;                                           ///< TIFFClose
  decltype(&TIFFNumberOfDirectories) number_of_directories;             ///< Directory count.
  decltype(&TIFFSetDirectory) set_directory;                            ///< TIFFSetDirectory
  decltype(&TIFFIsTiled) is_tiled;                                      ///< TIFFIsTiled
  decltype(&TIFFGetField) get_field;                                    ///< TIFFGetField
  decltype(&TIFFGetFieldDefaulted) get_field_defaulted;                 ///< With defaults.
  decltype(&TIFFComputeTile) compute_tile;                              ///< Tile index of (x, y).
  decltype(&TIFFGetStrileByteCount) tile_byte_count;                    ///< Raw bytes of a tile.
  decltype(&TIFFReadRawTile) read_raw_tile;                             ///< TIFFReadRawTile
};

/// The TurboJPEG (libjpeg-turbo 2.x API) entry points used to decode tiles.
struct TurboJpegApi {
  decltype(&tjInitDecompress) init_decompress;       ///< A decompressor handle.
  decltype(&tjDestroy) destroy;                      ///< Frees a handle.
  decltype(&tjDecompressHeader3) decompress_header;  ///< Size, subsampling, colour space.
  decltype(&tjDecompress2) decompress;               ///< Decodes into a packed pixel buffer.
  decltype(&tjGetErrorStr2) error_text;              ///< The last error or warning of a handle.
};

/// Loads libtiff `name` (a soname or path) and binds its entry points; throws
/// std::runtime_error naming the library when it cannot be loaded or lacks a symbol.
TiffApi LoadTiff(const std::string& name);
/// Loads TurboJPEG `name` and binds its entry points; throws like LoadTiff.
TurboJpegApi LoadTurboJpeg(const std::string& name);

/// libtiff (its soname, libtiff.so.N), loaded on the first call and kept.
const TiffApi& Tiff();
/// TurboJPEG (its soname, libturbojpeg.so.N), loaded on the first call and kept.
const TurboJpegApi& TurboJpeg();

}  // namespace ctp::native
