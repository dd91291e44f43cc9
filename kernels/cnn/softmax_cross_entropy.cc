#include "ctp/kernels/cnn/softmax_cross_entropy.h"

#include <cmath>
#include <stdexcept>
#include <string>

#include "cuda_ops.h"

namespace ctp::kernels::cnn {
namespace {

void CheckLogitsAndLabels(const Tensor& logits, const Tensor& labels) {
  CheckShape(labels, {logits.shape().n, 1, 1, 1}, "SoftmaxCrossEntropy labels");
  CheckDevice(logits.device(), {&labels});
}

int LabelAt(const Tensor& labels, int row, int classes) {
  const float value = labels.data()[row];
  const int label = int(value);
  if (float(label) != value || label < 0 || label >= classes)
    throw std::invalid_argument("SoftmaxCrossEntropy: label " + std::to_string(value) + " at row " +
                                std::to_string(row) + " is not a class id in [0, " +
                                std::to_string(classes) + ")");
  return label;
}

}  // namespace

float SoftmaxCrossEntropy(const Tensor& logits, const Tensor& labels, Tensor& dlogits) {
  CheckLogitsAndLabels(logits, labels);
  CheckShape(dlogits, logits.shape(), "SoftmaxCrossEntropy dlogits");
  CheckDevice(logits.device(), {&dlogits});
#ifdef CTP_HAVE_CUDA
  if (logits.device() == Device::kCuda) return cuda::SoftmaxCrossEntropy(logits, labels, dlogits);
#endif
  const int rows = logits.shape().n, classes = int(logits.shape().ItemCount());
  double loss = 0.0;
  for (int n = 0; n < rows; ++n) {
    const float* z = logits.data() + std::size_t(n) * classes;
    float* dz = dlogits.data() + std::size_t(n) * classes;
    const int label = LabelAt(labels, n, classes);
    float max = z[0];
    for (int k = 1; k < classes; ++k) max = std::fmax(max, z[k]);
    double sum = 0.0;
    for (int k = 0; k < classes; ++k) sum += std::exp(double(z[k] - max));
    const double log_sum = std::log(sum);
    loss += log_sum - double(z[label] - max);
    for (int k = 0; k < classes; ++k)
      dz[k] = float((std::exp(double(z[k] - max) - log_sum) - (k == label ? 1.0 : 0.0)) / rows);
  }
  return float(loss / rows);
}

int CountCorrect(const Tensor& logits, const Tensor& labels) {
  CheckLogitsAndLabels(logits, labels);
#ifdef CTP_HAVE_CUDA
  if (logits.device() == Device::kCuda) return cuda::CountCorrect(logits, labels);
#endif
  const int rows = logits.shape().n, classes = int(logits.shape().ItemCount());
  int correct = 0;
  for (int n = 0; n < rows; ++n) {
    const float* z = logits.data() + std::size_t(n) * classes;
    int best = 0;
    for (int k = 1; k < classes; ++k)
      if (z[k] > z[best]) best = k;
    correct += best == LabelAt(labels, n, classes) ? 1 : 0;
  }
  return correct;
}

}  // namespace ctp::kernels::cnn
