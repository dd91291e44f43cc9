// Script → Pipeline: run the generated script in the sandbox, read the model, check the DAG.
#include <benchmark/benchmark.h>

#include "../support/generated_pipeline.h"
#include "ctp/interpreter/script.h"

static void BM_LoadPipeline(benchmark::State& state) {
  const std::string script = ctp::bench::GeneratedPipelineScript(static_cast<int>(state.range(0)));
  ctp::LoadOptions options;
  options.instruction_limit = int64_t{1} << 40;
  options.memory_limit = std::size_t{8} << 30;
  for (auto _ : state) {
    ctp::Pipeline pipeline = ctp::LoadPipelineFromString(script, "generated.lua", options);
    benchmark::DoNotOptimize(pipeline.steps.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["steps"] = static_cast<double>(state.range(0));
}
BENCHMARK(BM_LoadPipeline)->Arg(10)->Arg(1000)->Arg(100000)->Unit(benchmark::kMillisecond);
