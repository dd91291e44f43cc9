// Internal: row-major single-precision GEMM on packed matrices, on the host (OpenBLAS) and on
// the device (cuBLAS, through the row-major/column-major transpose identity).
#pragma once

#include "ctp/kernels/device.h"

namespace ctp::kernels::cnn::detail {

/// C[m,n] = alpha · op(A)[m,k] · op(B)[k,n] + beta · C[m,n]; every matrix row-major and packed
/// (A is m×k, or k×m when trans_a; B is k×n, or n×k when trans_b). Uses OpenBLAS's current
/// thread count.
void GemmCpu(bool trans_a, bool trans_b, int m, int n, int k, float alpha, const float* a,
             const float* b, float beta, float* c);

/// GemmCpu with explicit leading dimensions (row strides) lda, ldb and ldc, for sub-matrices.
void GemmCpuStrided(bool trans_a, bool trans_b, int m, int n, int k, float alpha, const float* a,
                    int lda, const float* b, int ldb, float beta, float* c, int ldc);

/// GemmCpu or its CUDA twin cuda::Gemm (cuda_ops.h), by where the pointers live.
void Gemm(Device device, bool trans_a, bool trans_b, int m, int n, int k, float alpha,
          const float* a, const float* b, float beta, float* c);

}  // namespace ctp::kernels::cnn::detail
