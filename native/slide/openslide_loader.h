// OpenSlide, loaded when the first slide is opened. Linking it would map glib, cairo,
// gdk-pixbuf, libxml2 and ICU (~40 shared libraries, 30 MB of ICU data) into every ctp process,
// `ctp emit` and `ctp --version` included; loading it on first use keeps those fast.
#pragma once

#include <openslide.h>

#include <string>

namespace ctp::native {

/// The OpenSlide entry points ctp uses.
struct OpenslideApi {
  decltype(&openslide_detect_vendor) detect_vendor;
  decltype(&openslide_open) open;
  decltype(&openslide_close) close;
  decltype(&openslide_get_error) get_error;
  decltype(&openslide_get_level_count) get_level_count;
  decltype(&openslide_get_level_dimensions) get_level_dimensions;
  decltype(&openslide_get_level_downsample) get_level_downsample;
  decltype(&openslide_get_property_value) get_property_value;
  decltype(&openslide_read_region) read_region;
};

/// Loads the OpenSlide library `name` (a soname or path) and binds its entry points. Throws
/// std::runtime_error naming the library when it cannot be loaded or lacks a symbol.
OpenslideApi LoadOpenslide(const std::string& name);

/// OpenSlide (its soname, libopenslide.so.N), loaded on the first call and kept.
const OpenslideApi& Openslide();

}  // namespace ctp::native
