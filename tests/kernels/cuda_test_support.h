// Helpers for kernel tests: CUDA tests skip themselves, visibly, when there is no device.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>

#include "ctp/kernels/device.h"

/// Decorator for a CUDA parity test case: skipped (and counted as skipped) without a device.
#define CTP_CUDA_TEST_CASE(name) \
  TEST_CASE(name* doctest::skip(!::ctp::kernels::CudaAvailable()))

namespace ctp::kernels::testing {

/// Checks |got - want| <= atol + rtol * |want| element-wise; reports the first mismatches.
inline void CheckClose(const float* got, const float* want, std::size_t n, float atol, float rtol,
                       const char* label) {
  int reported = 0;
  std::size_t bad = 0;
  for (std::size_t i = 0; i < n; ++i) {
    float tolerance = atol + rtol * std::fabs(want[i]);
    if (!(std::fabs(got[i] - want[i]) <= tolerance)) {
      ++bad;
      if (reported++ < 5)
        std::printf("  %s[%zu]: got %.8g want %.8g\n", label, i, got[i], want[i]);
    }
  }
  INFO(label << ": " << bad << " of " << n << " elements outside tolerance");
  CHECK(bad == 0);
}

}  // namespace ctp::kernels::testing
