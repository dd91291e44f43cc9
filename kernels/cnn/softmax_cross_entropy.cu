// Softmax cross-entropy on the device: one thread per row (class counts are small), then a
// one-block sum of the per-row losses.
#include "cuda_common.cuh"
#include "cuda_ops.h"

namespace ctp::kernels::cnn::cuda {
namespace {

/// Returns the row's label, or −1 when the stored value is not a class id in [0, classes).
__device__ int LabelOf(const float* labels, int row, int classes) {
  const float value = labels[row];
  const int label = int(value);
  return float(label) == value && label >= 0 && label < classes ? label : -1;
}

}  // namespace

float SoftmaxCrossEntropy(const Tensor& logits, const Tensor& labels, Tensor& dlogits) {
  const int rows = logits.shape().n, classes = int(logits.shape().ItemCount());
  const float *z_all = logits.data(), *label_values = labels.data();
  float* dz_all = dlogits.data();
  DeviceBuffer<float> row_loss(rows);
  float* losses = row_loss.get();
  ForEachIndex(std::size_t(rows), [=] __device__(std::size_t n) {
    const float* z = z_all + n * classes;
    float* dz = dz_all + n * classes;
    const int label = LabelOf(label_values, int(n), classes);
    float max = z[0];
    for (int k = 1; k < classes; ++k) max = fmaxf(max, z[k]);
    float sum = 0.0f;
    for (int k = 0; k < classes; ++k) sum += expf(z[k] - max);
    const float log_sum = logf(sum);
    for (int k = 0; k < classes; ++k)
      dz[k] = (expf(z[k] - max - log_sum) - (k == label ? 1.0f : 0.0f)) / float(rows);
    losses[n] = label < 0 ? __int_as_float(0x7fc00000) : log_sum - (z[label] - max);
  });
  return SumToHost(losses, rows) / float(rows);
}

int CountCorrect(const Tensor& logits, const Tensor& labels) {
  const int rows = logits.shape().n, classes = int(logits.shape().ItemCount());
  const float *z_all = logits.data(), *label_values = labels.data();
  DeviceBuffer<float> hits(rows);
  float* hit = hits.get();
  ForEachIndex(std::size_t(rows), [=] __device__(std::size_t n) {
    const float* z = z_all + n * classes;
    int best = 0;
    for (int k = 1; k < classes; ++k)
      if (z[k] > z[best]) best = k;
    hit[n] = best == LabelOf(label_values, int(n), classes) ? 1.0f : 0.0f;
  });
  return int(SumToHost(hit, rows) + 0.5f);
}

}  // namespace ctp::kernels::cnn::cuda
