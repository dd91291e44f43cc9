#include "ctp/kernels/blas_loader.h"

#include <string>

#include "ctp/base/shared_library.h"

namespace ctp::kernels {

BlasApi LoadBlas(const std::string& name) {
  const base::SharedLibrary library(name, "OpenBLAS, Debian package libopenblas0-pthread");
  BlasApi api{};
  library.Bind("cblas_sgemm", api.sgemm);
  library.Bind("openblas_get_num_threads", api.get_num_threads);
  library.Bind("openblas_set_num_threads", api.set_num_threads);
  return api;
}

const BlasApi& Blas() {
  static const BlasApi api = LoadBlas(CTP_BLAS_SONAME);
  return api;
}

}  // namespace ctp::kernels
