#include "gemm.h"

#include "ctp/kernels/blas_loader.h"
#include "cuda_ops.h"

namespace ctp::kernels::cnn::detail {

void GemmCpu(bool trans_a, bool trans_b, int m, int n, int k, float alpha, const float* a,
             const float* b, float beta, float* c) {
  Blas().sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
               trans_b ? CblasTrans : CblasNoTrans, m, n, k, alpha, a, trans_a ? m : k, b,
               trans_b ? k : n, beta, c, n);
}

void GemmCpuStrided(bool trans_a, bool trans_b, int m, int n, int k, float alpha, const float* a,
                    int lda, const float* b, int ldb, float beta, float* c, int ldc) {
  Blas().sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
               trans_b ? CblasTrans : CblasNoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void Gemm(Device device, bool trans_a, bool trans_b, int m, int n, int k, float alpha,
          const float* a, const float* b, float beta, float* c) {
#ifdef CTP_HAVE_CUDA
  if (device == Device::kCuda) return cuda::Gemm(trans_a, trans_b, m, n, k, alpha, a, b, beta, c);
#endif
  GemmCpu(trans_a, trans_b, m, n, k, alpha, a, b, beta, c);
}

}  // namespace ctp::kernels::cnn::detail
