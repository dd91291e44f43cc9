// OpenSlide is loaded on first use: a missing library or a wrong one is named in the error.
#include "slide/openslide_loader.h"

#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

namespace ctp::testing {
namespace {

std::string LoadError(const std::string& name) {
  try {
    native::LoadOpenslide(name);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("openslide loader: a missing library is named, with the package to install") {
  CHECK(LoadError("libctp-no-such-openslide.so.0") ==
        "cannot load libctp-no-such-openslide.so.0 (OpenSlide, Debian package libopenslide0): "
        "libctp-no-such-openslide.so.0: cannot open shared object file: No such file or "
        "directory");
}

TEST_CASE("openslide loader: a library without OpenSlide's symbols is refused by name") {
  CHECK(LoadError("libz.so.1") == "libz.so.1 has no symbol openslide_detect_vendor");
}

TEST_CASE("openslide loader: the first use loads the installed library") {
  const native::OpenslideApi& api = native::Openslide();
  CHECK(static_cast<bool>(api.detect_vendor));
  CHECK(static_cast<bool>(api.read_region));
  CHECK(&api == &native::Openslide());  // loaded once
}

}  // namespace ctp::testing
