// A pipeline script, as `ctp check` and `ctp emit` take it: LoadPipeline's Lua sandbox under
// small instruction and memory limits (an endless loop or a huge string is the script's error,
// "script exceeded ..."), the DAG `ctp check` prints, and the Argo (every kind, versions 3 and 4),
// KFP and DOT emitters. The script's folder is scripts/, so the project's scripts find their
// components with `require`.
#include <cstddef>
#include <cstdint>
#include <string>

#include "ctp/emit/emit.h"
#include "ctp/interpreter/script.h"
#include "ctp/model/dag.h"
#include "ctp/native/builtin_steps.h"
#include "ctp/step/step_registry.h"
#include "fuzz_support.h"

namespace {
// Errors name the script (or a module it requires from its folder).
constexpr const char* kScriptFolder = CTP_SOURCE_DIR "/scripts/";
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  ctp::RegisterBuiltinSteps(ctp::StepRegistry::Default());
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ctp::LoadOptions options;
  options.instruction_limit = 10'000'000;
  options.memory_limit = std::size_t{64} << 20;
  ctp::fuzz::RefusalsAllowed(
      [&] {
        const ctp::Pipeline pipeline = ctp::LoadPipelineFromString(
            ctp::fuzz::Text(data, size), std::string(kScriptFolder) + "fuzz_input.lua", options);
        const ctp::Dag dag = ctp::Dag::Build(pipeline);
        for (const std::string& step : dag.TopologicalOrder()) dag.Upstream(step);
        ctp::EmitOptions emit;
        emit.kind = ctp::EmitOptions::Kind::kAll;
        ctp::fuzz::RefusalsAllowed([&] { ctp::EmitArgoResources(pipeline, emit); }, kScriptFolder);
        emit.kind = ctp::EmitOptions::Kind::kWorkflow;
        emit.argo_major_version = 3;
        ctp::fuzz::RefusalsAllowed([&] { ctp::EmitArgo(pipeline, emit); }, kScriptFolder);
        ctp::fuzz::RefusalsAllowed([&] { ctp::EmitKfp(pipeline); }, kScriptFolder);
        ctp::EmitDot(pipeline);
      },
      kScriptFolder);
  return 0;
}
