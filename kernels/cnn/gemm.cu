// cuBLAS GEMM with the row-major trick: row-major C = op(A)·op(B) is column-major
// Cᵀ = op(B)ᵀ·op(A)ᵀ, and a row-major matrix read as column-major is its transpose, so we pass
// B before A and swap m and n. Strict FP32: the handle keeps CUBLAS_DEFAULT_MATH (no TF32).
#include "ctp/kernels/cublas_loader.h"
#include "cuda_common.cuh"
#include "cuda_ops.h"

namespace ctp::kernels::cnn::cuda {
namespace {

cublasHandle_t Handle() {
  static cublasHandle_t handle = [] {
    cublasHandle_t created = nullptr;
    CTP_CUBLAS_CHECK(Cublas().create(&created));
    CTP_CUBLAS_CHECK(Cublas().set_math_mode(created, CUBLAS_DEFAULT_MATH));
    return created;
  }();
  return handle;
}

}  // namespace

void Gemm(bool trans_a, bool trans_b, int m, int n, int k, float alpha, const float* a,
          const float* b, float beta, float* c) {
  CTP_CUBLAS_CHECK(Cublas().sgemm(Handle(), trans_b ? CUBLAS_OP_T : CUBLAS_OP_N,
                                  trans_a ? CUBLAS_OP_T : CUBLAS_OP_N, n, m, k, &alpha, b,
                                  trans_b ? k : n, a, trans_a ? m : k, &beta, c, n));
}

}  // namespace ctp::kernels::cnn::cuda
