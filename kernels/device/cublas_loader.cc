#include "ctp/kernels/cublas_loader.h"

#include <string>

#include "ctp/base/shared_library.h"

namespace ctp::kernels {
namespace {

CublasApi Load() {
  const std::string name = "libcublas.so." + std::to_string(CUBLAS_VER_MAJOR);
  const base::SharedLibrary library(name, "the CUDA toolkit's cuBLAS");
  CublasApi api{};
  library.Bind("cublasCreate_v2", api.create);
  library.Bind("cublasSetMathMode", api.set_math_mode);
  library.Bind("cublasSgemm_v2", api.sgemm);
  library.Bind("cublasGetStatusString", api.status_string);
  return api;
}

}  // namespace

const CublasApi& Cublas() {
  static const CublasApi api = Load();
  return api;
}

}  // namespace ctp::kernels
