// Pipeline → YAML/DOT for generated pipelines (the script is loaded once, outside the timing).
#include <benchmark/benchmark.h>

#include "../support/generated_pipeline.h"
#include "ctp/emit/emit.h"
#include "ctp/interpreter/script.h"

namespace {

const ctp::Pipeline& Generated(int steps) {
  static std::map<int, ctp::Pipeline> cache;
  auto found = cache.find(steps);
  if (found != cache.end()) return found->second;
  ctp::LoadOptions options;
  options.instruction_limit = int64_t{1} << 40;
  options.memory_limit = std::size_t{8} << 30;
  return cache[steps] = ctp::LoadPipelineFromString(ctp::bench::GeneratedPipelineScript(steps),
                                                    "generated.lua", options);
}

template <std::string (*Emit)(const ctp::Pipeline&)>
void BM_Emit(benchmark::State& state) {
  const ctp::Pipeline& pipeline = Generated(static_cast<int>(state.range(0)));
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::string yaml = Emit(pipeline);
    bytes = yaml.size();
    benchmark::DoNotOptimize(yaml.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["bytes"] = static_cast<double>(bytes);
}

std::string Argo(const ctp::Pipeline& p) { return ctp::EmitArgo(p); }
std::string Kfp(const ctp::Pipeline& p) { return ctp::EmitKfp(p); }
std::string Dot(const ctp::Pipeline& p) { return ctp::EmitDot(p); }

}  // namespace

BENCHMARK(BM_Emit<Argo>)->Name("BM_EmitArgo")->Arg(10)->Arg(1000)->Arg(100000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Emit<Kfp>)->Name("BM_EmitKfp")->Arg(10)->Arg(1000)->Arg(100000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Emit<Dot>)->Name("BM_EmitDot")->Arg(10)->Arg(1000)->Arg(100000)->Unit(benchmark::kMillisecond);
