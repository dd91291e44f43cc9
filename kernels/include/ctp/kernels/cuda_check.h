// Checked CUDA and cuBLAS calls: a failure throws std::runtime_error naming file:line and the call.
// Include only from .cu files and CUDA-only .cc files (those compiled when CTP_HAVE_CUDA is set).
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <stdexcept>
#include <string>

#include "ctp/kernels/cublas_loader.h"

namespace ctp::kernels::detail {

[[noreturn]] inline void ThrowCudaError(const char* what, const char* detail, const char* file,
                                        int line) {
  throw std::runtime_error(std::string(file) + ":" + std::to_string(line) + ": " + what +
                           " failed: " + detail);
}

}  // namespace ctp::kernels::detail

/// Runs a CUDA runtime call and throws on failure.
#define CTP_CUDA_CHECK(call)                                                                   \
  do {                                                                                         \
    cudaError_t ctp_cuda_status_ = (call);                                                     \
    if (ctp_cuda_status_ != cudaSuccess)                                                       \
      ::ctp::kernels::detail::ThrowCudaError(#call, cudaGetErrorString(ctp_cuda_status_),      \
                                             __FILE__, __LINE__);                              \
  } while (0)

/// Runs a cuBLAS call and throws on failure.
#define CTP_CUBLAS_CHECK(call)                                                                 \
  do {                                                                                         \
    cublasStatus_t ctp_cublas_status_ = (call);                                                \
    if (ctp_cublas_status_ != CUBLAS_STATUS_SUCCESS)                                           \
      ::ctp::kernels::detail::ThrowCudaError(                                                  \
          #call, ::ctp::kernels::Cublas().status_string(ctp_cublas_status_), __FILE__, __LINE__); \
  } while (0)

/// Checks the last kernel launch.
#define CTP_CUDA_CHECK_LAUNCH() CTP_CUDA_CHECK(cudaGetLastError())
