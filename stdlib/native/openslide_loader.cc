#include "openslide_loader.h"

#include <dlfcn.h>

#include <stdexcept>
#include <string>

namespace ctp::native {
namespace {

template <class F>
void Bind(void* library, const std::string& name, const char* symbol, F& target) {
  target = reinterpret_cast<F>(dlsym(library, symbol));
  if (!target) throw std::runtime_error(name + " has no symbol " + symbol);
}

}  // namespace

OpenslideApi LoadOpenslide(const std::string& name) {
  void* library = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!library)
    throw std::runtime_error("cannot load " + name +
                             " (OpenSlide, Debian package libopenslide0): " + dlerror());
  OpenslideApi api{};
  Bind(library, name, "openslide_detect_vendor", api.detect_vendor);
  Bind(library, name, "openslide_open", api.open);
  Bind(library, name, "openslide_close", api.close);
  Bind(library, name, "openslide_get_error", api.get_error);
  Bind(library, name, "openslide_get_level_count", api.get_level_count);
  Bind(library, name, "openslide_get_level_dimensions", api.get_level_dimensions);
  Bind(library, name, "openslide_get_level_downsample", api.get_level_downsample);
  Bind(library, name, "openslide_get_property_value", api.get_property_value);
  Bind(library, name, "openslide_read_region", api.read_region);
  return api;
}

const OpenslideApi& Openslide() {
  static const OpenslideApi api = LoadOpenslide(CTP_OPENSLIDE_SONAME);
  return api;
}

}  // namespace ctp::native
