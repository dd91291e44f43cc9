// OpenBLAS, loaded when the first CPU GEMM runs. Linking it would map OpenBLAS and libgfortran
// into every ctp process and start OpenBLAS's thread pool in a load-time constructor, which
// `ctp emit` and `ctp --version` paid for without ever multiplying a matrix.
#pragma once

#include <cblas.h>

#include <string>

namespace ctp::kernels {

/// The OpenBLAS entry points ctp uses.
struct BlasApi {
  decltype(&cblas_sgemm) sgemm;
  decltype(&openblas_get_num_threads) get_num_threads;
  decltype(&openblas_set_num_threads) set_num_threads;
};

/// Loads the BLAS library `name` (a soname or path) and binds its entry points. Throws
/// std::runtime_error naming the library when it cannot be loaded or lacks a symbol.
BlasApi LoadBlas(const std::string& name);

/// OpenBLAS (the soname found at build time, libopenblas.so.N), loaded on the first call and kept.
const BlasApi& Blas();

}  // namespace ctp::kernels
