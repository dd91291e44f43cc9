#include "ctp/base/shared_library.h"

#include <dlfcn.h>

#include <stdexcept>

namespace ctp::base {

SharedLibrary::SharedLibrary(const std::string& name, const std::string& what)
    : name_(name), handle_(dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL)) {
  if (!handle_) throw std::runtime_error("cannot load " + name + " (" + what + "): " + dlerror());
}

void* SharedLibrary::Symbol(const char* symbol) const {
  void* address = dlsym(handle_, symbol);
  if (!address) throw std::runtime_error(name_ + " has no symbol " + symbol);
  return address;
}

}  // namespace ctp::base
