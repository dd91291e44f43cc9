// Helpers for the CNN kernel tests: seeded inputs, naive references and a finite-difference
// gradient checker (central differences, relative + absolute tolerance, in the spirit of Caffe's
// GradientChecker).
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <numeric>
#include <vector>

#include "ctp/kernels/cnn/random.h"
#include "ctp/kernels/cnn/tensor.h"

namespace ctp::kernels::cnn::testing {

/// A host tensor with U(low, high) values from stream `seed`.
inline Tensor RandomTensor(Shape shape, std::uint64_t seed, float low = -1.0f, float high = 1.0f) {
  Tensor tensor(shape);
  FillUniform(tensor, low, high, seed);
  return tensor;
}

/// A host tensor whose values are a seeded permutation of ±(k + 0.5)·spacing: all distinct, at
/// least `spacing` apart and at least spacing/2 away from 0, so finite differences with a step
/// below spacing/2 never cross a ReLU or max-pool kink.
inline Tensor DistinctTensor(Shape shape, std::uint64_t seed, float spacing = 0.05f) {
  const std::size_t count = shape.Count();
  std::vector<std::size_t> order(count);
  std::iota(order.begin(), order.end(), 0);
  std::vector<float> keys(count);
  for (std::size_t i = 0; i < count; ++i) keys[i] = CounterUniform(seed, i);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return keys[a] < keys[b] || (keys[a] == keys[b] && a < b);
  });
  std::vector<float> values(count);
  const double middle = double(count) / 2.0;
  for (std::size_t rank = 0; rank < count; ++rank)
    values[order[rank]] = float((std::floor(double(rank) - middle) + 0.5) * spacing);
  return Tensor::FromHost(shape, values);
}

/// Σ y[i]·r[i] in double: a scalar loss whose gradient with respect to y is r.
inline double WeightedSum(const Tensor& y, const Tensor& r) {
  std::vector<float> a = y.ToHost(), b = r.ToHost();
  REQUIRE(a.size() == b.size());
  double sum = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) sum += double(a[i]) * double(b[i]);
  return sum;
}

/// Tolerances of a gradient check: |numeric − analytic| ≤ atol + rtol·max(|numeric|, |analytic|).
struct GradientTolerance {
  float step = 1e-2f;
  double atol = 2e-3;
  double rtol = 1e-2;
  /// Least cosine similarity of the numeric and analytic gradient vectors.
  double min_cosine = 0.999;
};

/// Compares `analytic` with central differences (loss(v + h) − loss(v − h)) / 2h for every element
/// of the host tensor `input`, which `loss` reads. Restores the input. Prints the first mismatches.
/// Also requires the cosine similarity of the two gradient vectors to reach min_cosine (unless
/// both are shorter than atol).
inline void CheckGradient(const char* label, Tensor& input, const std::vector<float>& analytic,
                          const std::function<double()>& loss, GradientTolerance tolerance = {}) {
  REQUIRE(analytic.size() == input.size());
  int bad = 0;
  double dot = 0.0, numeric_norm = 0.0, analytic_norm = 0.0;
  for (std::size_t i = 0; i < input.size(); ++i) {
    float& value = input.data()[i];
    const float saved = value;
    value = saved + tolerance.step;
    const double plus = loss();
    value = saved - tolerance.step;
    const double minus = loss();
    value = saved;
    const double numeric = (plus - minus) / (2.0 * double(tolerance.step));
    const double scale = std::max(std::fabs(numeric), std::fabs(double(analytic[i])));
    dot += numeric * analytic[i];
    numeric_norm += numeric * numeric;
    analytic_norm += double(analytic[i]) * analytic[i];
    if (!(std::fabs(numeric - analytic[i]) <= tolerance.atol + tolerance.rtol * scale)) {
      if (bad < 5)
        std::printf("  %s[%zu]: analytic %.6g numeric %.6g\n", label, i, analytic[i], numeric);
      ++bad;
    }
  }
  INFO(label << ": " << bad << " of " << input.size() << " gradient elements differ");
  CHECK(bad == 0);
  const double cosine = dot / std::sqrt(std::max(numeric_norm * analytic_norm, 1e-300));
  INFO(label << ": cosine similarity " << cosine);
  // A gradient that is zero in both (a conv bias followed by batch norm) has no direction.
  const double length = std::sqrt(std::max(numeric_norm, analytic_norm));
  if (length > tolerance.atol) CHECK(cosine >= tolerance.min_cosine);
}

/// Element-wise closeness of two host vectors: |got − want| ≤ atol + rtol·|want|.
inline void CheckVectorsClose(const std::vector<float>& got, const std::vector<float>& want,
                              float atol, float rtol, const char* label) {
  REQUIRE(got.size() == want.size());
  int bad = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (!(std::fabs(got[i] - want[i]) <= atol + rtol * std::fabs(want[i]))) {
      if (bad < 5) std::printf("  %s[%zu]: got %.8g want %.8g\n", label, i, got[i], want[i]);
      ++bad;
    }
  }
  INFO(label << ": " << bad << " of " << got.size() << " elements outside tolerance");
  CHECK(bad == 0);
}

}  // namespace ctp::kernels::cnn::testing
