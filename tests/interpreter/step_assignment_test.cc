// Assigning a step's field after the step was created: checked like the declaration, and it
// takes effect (the bad cases are in bad_scripts/step_*_after_creation.lua).
#include <doctest/doctest.h>

#include "ctp/interpreter/script.h"
#include "ctp/native/builtin_steps.h"
#include "ctp/step/step_registry.h"

using namespace ctp;

TEST_CASE("a step field assigned after the step was created takes effect") {
  RegisterBuiltinSteps(StepRegistry::Default());
  const Pipeline p = LoadPipelineFromString(R"(
local ctp = require "ctp"
local prepare = ctp.container { name = "prepare", image = "x", command = { "true" } }
local train = ctp.container { name = "train", image = "x", command = { "true" }, timeout = 5 }
train.after = { prepare }
train.timeout = "2m"
train.env = { MODE = "fast" }
local say = ctp.steps.echo { name = "say", message = "hi" }
say.message = "bye " .. prepare.name
say.retry = { limit = 2 }
local fit = ctp.lua { name = "fit", fn = function() return {} end }
fit.inputs = { n = "3" }
for key, value in pairs(train) do assert(key ~= "after" or value[1] == "prepare") end
return ctp.pipeline { name = "p", steps = { prepare, train, say, fit } }
)",
                                            "assign.lua");
  const Step& train = *p.FindStep("train");
  CHECK(train.after == std::vector<std::string>{"prepare"});
  CHECK(train.timeout_seconds == 120);
  REQUIRE(train.env.size() == 1);
  CHECK(train.env[0].name == "MODE");
  CHECK(train.env[0].value == Template::Of("fast"));
  const Step& say = *p.FindStep("say");
  REQUIRE(say.inputs.size() == 1);
  CHECK(say.inputs[0].value == Template::Of("bye prepare"));
  REQUIRE(say.retry);
  CHECK(say.retry->limit == 2);
  const Step& fit = *p.FindStep("fit");
  REQUIRE(fit.inputs.size() == 1);
  CHECK(fit.inputs[0].value == Template::Of("3"));
}
