// Internal: the CUDA twins of the CNN launchers. Each public launcher validates its arguments,
// then calls the twin here when its tensors live on the device. Defined in the *.cu files.
#pragma once

#ifdef CTP_HAVE_CUDA

#include <cstdint>

#include "ctp/kernels/cnn/batch_norm.h"
#include "ctp/kernels/cnn/conv2d.h"
#include "ctp/kernels/cnn/max_pool.h"
#include "ctp/kernels/cnn/optimizer.h"
#include "ctp/kernels/cnn/tensor.h"

namespace ctp::kernels::cnn::cuda {

void FillUniform(Tensor& tensor, float low, float high, std::uint64_t seed);

/// detail::GemmCpu's contract on device pointers: cuBLAS computes Cᵀ = op(B)ᵀ · op(A)ᵀ in
/// column-major, which is C in row-major. Strict FP32 (no TF32 tensor-core math).
void Gemm(bool trans_a, bool trans_b, int m, int n, int k, float alpha, const float* a,
          const float* b, float beta, float* c);

void Conv2dForward(const Conv2dGeometry& geometry, const Tensor& x, const Tensor& weight,
                   Tensor& y);
void Conv2dBackward(const Conv2dGeometry& geometry, const Tensor& x, const Tensor& weight,
                    const Tensor& dy, Tensor* dx, Tensor& dweight);

void BiasAddForward(const Tensor& bias, Tensor& y);
void BiasAddBackward(const Tensor& dy, Tensor& dbias);

void ReluForward(const Tensor& x, Tensor& y);
void ReluBackward(const Tensor& y, const Tensor& dy, Tensor& dx);

void MaxPoolForward(const PoolGeometry& geometry, const Tensor& x, Tensor& y);
void MaxPoolBackward(const PoolGeometry& geometry, const Tensor& x, const Tensor& dy, Tensor& dx);

void GlobalAvgPoolForward(const Tensor& x, Tensor& y);
void GlobalAvgPoolBackward(const Tensor& dy, Tensor& dx);

void BatchNormForwardTrain(const BatchNormOptions& options, const Tensor& x, const Tensor& gamma,
                           const Tensor& beta, Tensor& running_mean, Tensor& running_var, Tensor& y,
                           Tensor& saved_mean, Tensor& saved_inv_std);
void BatchNormForwardEval(const BatchNormOptions& options, const Tensor& x, const Tensor& gamma,
                          const Tensor& beta, const Tensor& running_mean, const Tensor& running_var,
                          Tensor& y);
void BatchNormBackward(const Tensor& x, const Tensor& gamma, const Tensor& saved_mean,
                       const Tensor& saved_inv_std, const Tensor& dy, Tensor& dx, Tensor& dgamma,
                       Tensor& dbeta);

void DropoutForward(float p, std::uint64_t seed, const Tensor& x, Tensor& y);
void DropoutBackward(float p, std::uint64_t seed, const Tensor& dy, Tensor& dx);

void ResidualAddForward(const Tensor& a, const Tensor& b, Tensor& y);
void ResidualAddBackward(const Tensor& dy, Tensor& dx);

float SoftmaxCrossEntropy(const Tensor& logits, const Tensor& labels, Tensor& dlogits);
int CountCorrect(const Tensor& logits, const Tensor& labels);

void SgdStep(const SgdOptions& options, float learning_rate, std::int64_t step, Tensor& param,
             const Tensor& grad, Tensor& momentum_buffer);
void AdamStep(const AdamOptions& options, float learning_rate, std::int64_t step, Tensor& param,
              const Tensor& grad, Tensor& exp_avg, Tensor& exp_avg_sq);

}  // namespace ctp::kernels::cnn::cuda

#endif  // CTP_HAVE_CUDA
