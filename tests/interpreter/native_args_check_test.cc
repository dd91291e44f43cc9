// Native-step arguments when a script is loaded: a literal must be a value of the argument's type
// (the wrong ones are in bad_scripts/native_*.lua); references are left to run time.
#include <doctest/doctest.h>

#include "ctp/interpreter/script.h"
#include "ctp/native/builtin_steps.h"
#include "ctp/step/step_registry.h"

using namespace ctp;

TEST_CASE("literals of the right type and references pass the native-argument checks") {
  RegisterBuiltinSteps(StepRegistry::Default());
  const Pipeline p = LoadPipelineFromString(R"(
local ctp = require "ctp"
local params = ctp.params { epochs = ctp.string { default = "two" }, dev = ctp.string { default = "da" } }
local train = ctp.steps.train {
  name = "train", data = "/data", epochs = params.epochs, batch_size = "64",
  learning_rate = 1, nesterov = true, device = "cu" .. params.dev, eval_split = "",
}
train.epochs = 3
local tile = ctp.steps.tile { name = "tile", data = "/d", images = false, splits = "a,b",
                              min_tissue = 0.25, background = "brightfield-only" }
return ctp.pipeline { name = "p", params = params, steps = { train, tile } }
)",
                                            "native_args.lua");
  const Step& train = *p.FindStep("train");
  CHECK(train.inputs.size() == 7);
  const Step& tile = *p.FindStep("tile");
  CHECK(tile.inputs.size() == 5);
}
