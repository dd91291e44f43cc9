#include "ctp/kernels/blas_loader.h"

#include <dlfcn.h>

#include <stdexcept>
#include <string>

namespace ctp::kernels {
namespace {

template <class F>
void Bind(void* library, const std::string& name, const char* symbol, F& target) {
  target = reinterpret_cast<F>(dlsym(library, symbol));
  if (!target) throw std::runtime_error(name + " has no symbol " + symbol);
}

}  // namespace

BlasApi LoadBlas(const std::string& name) {
  void* library = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!library)
    throw std::runtime_error("cannot load " + name +
                             " (OpenBLAS, Debian package libopenblas0-pthread): " + dlerror());
  BlasApi api{};
  Bind(library, name, "cblas_sgemm", api.sgemm);
  Bind(library, name, "openblas_get_num_threads", api.get_num_threads);
  Bind(library, name, "openblas_set_num_threads", api.set_num_threads);
  return api;
}

const BlasApi& Blas() {
  static const BlasApi api = LoadBlas(CTP_BLAS_SONAME);
  return api;
}

}  // namespace ctp::kernels
