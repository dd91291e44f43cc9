// Baseline: the cost of asking whether a CUDA device is there (cached after the first call).
#include <benchmark/benchmark.h>

#include "ctp/kernels/device.h"

static void BM_CudaAvailable(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(ctp::kernels::CudaAvailable());
}
BENCHMARK(BM_CudaAvailable);
