#include "slide/openslide_loader.h"

#include <string>

#include "ctp/base/shared_library.h"

namespace ctp::native {

OpenslideApi LoadOpenslide(const std::string& name) {
  const base::SharedLibrary library(name, "OpenSlide, Debian package libopenslide0");
  OpenslideApi api{};
  library.Bind("openslide_detect_vendor", api.detect_vendor);
  library.Bind("openslide_open", api.open);
  library.Bind("openslide_close", api.close);
  library.Bind("openslide_get_error", api.get_error);
  library.Bind("openslide_get_level_count", api.get_level_count);
  library.Bind("openslide_get_level_dimensions", api.get_level_dimensions);
  library.Bind("openslide_get_level_downsample", api.get_level_downsample);
  library.Bind("openslide_get_property_value", api.get_property_value);
  library.Bind("openslide_read_region", api.read_region);
  return api;
}

const OpenslideApi& Openslide() {
  static const OpenslideApi api = LoadOpenslide(CTP_OPENSLIDE_SONAME);
  return api;
}

}  // namespace ctp::native
