// A parameters file, as `--params FILE` takes it: AddParamFile reads the YAML map, then
// ApplyParams checks each value against a pipeline with one parameter of every type.
#include <cstddef>
#include <cstdint>

#include "ctp/interpreter/params.h"
#include "ctp/interpreter/script.h"
#include "ctp/model/pipeline.h"
#include "fuzz_support.h"

namespace {

// The parameters the seeds set (scripts/settings.yaml: who, repeats), one of each type.
constexpr const char* kScript = R"(
local ctp = require "ctp"
local params = ctp.params {
  who = ctp.string { default = "world" },
  repeats = ctp.int { default = 3 },
  rate = ctp.float { default = 0.5 },
  verbose = ctp.bool { default = false },
  stages = ctp.list { default = { 1, 2 } },
}
local use = ctp.container {
  name = "use", image = "alpine:3.19", command = { "echo" },
  args = { params.who, params.repeats, params.rate, params.verbose, params.stages },
}
return ctp.pipeline { name = "params", params = params, steps = { use } }
)";

const ctp::Pipeline& Typed() {
  static const ctp::Pipeline pipeline = ctp::LoadPipelineFromString(kScript, "params.lua");
  return pipeline;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  Typed();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto path = ctp::fuzz::WriteInput("params.yaml", ctp::fuzz::Text(data, size));
  ctp::fuzz::RefusalsAllowed(
      [&] {
        ctp::ParamValues values;
        ctp::AddParamFile(values, path.string());
        ctp::Pipeline pipeline = Typed();
        ctp::ApplyParams(pipeline, values);
      },
      path.string());
  return 0;
}
