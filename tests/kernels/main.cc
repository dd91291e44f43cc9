// The kernels' test runner: says up front whether the CUDA parity tests run or skip.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>

#include "ctp/kernels/device.h"

int main(int argc, char** argv) {
  std::printf("ctp kernel tests: %s\n", ctp::kernels::CudaAvailable()
                                            ? ctp::kernels::CudaDeviceSummary()
                                            : "CUDA parity tests SKIPPED (no CUDA device)");
  doctest::Context context(argc, argv);
  return context.run();
}
