// Softmax + cross-entropy loss, mean over the batch (PyTorch F.cross_entropy).
#pragma once

#include "ctp/kernels/cnn/tensor.h"

namespace ctp::kernels::cnn {

/// logits {N, K, 1, 1} (any {N, K·…} flattens), labels {N, 1, 1, 1} holding class ids 0..K−1 as
/// floats. Returns L = −(1/N) Σ_n log softmax(logits_n)[label_n] and writes
/// dlogits = (softmax(logits) − onehot(labels)) / N. Throws std::invalid_argument for a bad label
/// (on the CPU path; the CUDA path reports it as NaN loss).
float SoftmaxCrossEntropy(const Tensor& logits, const Tensor& labels, Tensor& dlogits);

/// How many rows of logits have their (first) maximum at the label.
int CountCorrect(const Tensor& logits, const Tensor& labels);

}  // namespace ctp::kernels::cnn
