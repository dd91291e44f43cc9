#include "ctp/kernels/cublas_loader.h"

#include <dlfcn.h>

#include <stdexcept>
#include <string>

namespace ctp::kernels {
namespace {

template <class F>
void Bind(void* library, const char* symbol, F& target) {
  target = reinterpret_cast<F>(dlsym(library, symbol));
  if (!target) throw std::runtime_error(std::string("cuBLAS has no symbol ") + symbol);
}

CublasApi Load() {
  const std::string name = "libcublas.so." + std::to_string(CUBLAS_VER_MAJOR);
  void* library = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!library)
    throw std::runtime_error("cannot load " + name + " (the CUDA toolkit's cuBLAS): " + dlerror());
  CublasApi api{};
  Bind(library, "cublasCreate_v2", api.create);
  Bind(library, "cublasSetMathMode", api.set_math_mode);
  Bind(library, "cublasSgemm_v2", api.sgemm);
  Bind(library, "cublasGetStatusString", api.status_string);
  return api;
}

}  // namespace

const CublasApi& Cublas() {
  static const CublasApi api = Load();
  return api;
}

}  // namespace ctp::kernels
