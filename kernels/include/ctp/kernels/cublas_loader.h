// cuBLAS, loaded when the first GEMM runs on a GPU. Linking it would map libcublas and
// libcublasLt (hundreds of MB) into every ctp process at start-up, which costs ~150 ms even for
// `ctp --version`; loading it on first use keeps the CLI fast and a CPU-only run free of it.
#pragma once

#include <cublas_v2.h>

namespace ctp::kernels {

/// The cuBLAS entry points ctp uses.
struct CublasApi {
  cublasStatus_t (*create)(cublasHandle_t*);
  cublasStatus_t (*set_math_mode)(cublasHandle_t, cublasMath_t);
  cublasStatus_t (*sgemm)(cublasHandle_t, cublasOperation_t, cublasOperation_t, int, int, int,
                          const float*, const float*, int, const float*, int, const float*,
                          float*, int);
  const char* (*status_string)(cublasStatus_t);
};

/// cuBLAS, loaded on the first call (libcublas.so.<major>). Throws std::runtime_error saying
/// what is missing when it cannot be loaded.
const CublasApi& Cublas();

}  // namespace ctp::kernels
