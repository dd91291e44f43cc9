// OpenBLAS is loaded on the first CPU GEMM: a missing library or a wrong one is named in the error.
#include "ctp/kernels/blas_loader.h"

#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

namespace {

std::string LoadError(const std::string& name) {
  try {
    ctp::kernels::LoadBlas(name);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("blas loader: a missing library is named, with the package to install") {
  CHECK(LoadError("libctp-no-such-blas.so.0") ==
        "cannot load libctp-no-such-blas.so.0 (OpenBLAS, Debian package libopenblas0-pthread): "
        "libctp-no-such-blas.so.0: cannot open shared object file: No such file or directory");
}

TEST_CASE("blas loader: a library without the BLAS symbols is refused by name") {
  CHECK(LoadError("libz.so.1") == "libz.so.1 has no symbol cblas_sgemm");
}

TEST_CASE("blas loader: the first use loads OpenBLAS, whose GEMM multiplies") {
  const ctp::kernels::BlasApi& blas = ctp::kernels::Blas();
  const float a[] = {1, 2, 3, 4}, b[] = {5, 6, 7, 8};
  float c[4] = {};
  blas.sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 2, 2, 2, 1.0f, a, 2, b, 2, 0.0f, c, 2);
  CHECK(c[0] == 19);
  CHECK(c[1] == 22);
  CHECK(c[2] == 43);
  CHECK(c[3] == 50);
  CHECK(&blas == &ctp::kernels::Blas());  // loaded once
}
