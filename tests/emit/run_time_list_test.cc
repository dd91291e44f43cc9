// `in` over a list known only at run time: KFP tests it in CEL; Argo's govaluate cannot parse a
// JSON list, so that part of `when` is an expression tag (`{{=...}}`) Argo evaluates first.
#include <doctest/doctest.h>

#include "ctp/model/diagnostic.h"
#include "ctp/emit/emit.h"
#include "sample_pipelines.h"
#include "validators.h"
#include "yaml_get.h"

using namespace ctp;
using namespace ctp::testing;

namespace {

// `gate` runs when param `mode` is in the list param `modes` and output `flip.side` is in the
// list output `list.names`.
Pipeline MembershipPipeline() {
  Pipeline p;
  p.name = "membership";
  p.location = {"test.lua", 1};
  p.params = {MakeParam("mode", ParamType::kString, "fast"),
              MakeParam("modes", ParamType::kList, R"(["fast", "slow"])")};
  Step flip = CommandStep("flip", 2, "alpine:3.19", {"sh", "-c"});
  flip.args = {Text({"echo heads > ", OutputPathRef("side")})};
  WithOutput(flip, "side");
  Step list = CommandStep("list", 3, "alpine:3.19", {"sh", "-c"});
  list.args = {Text({"echo '[\"heads\"]' > ", OutputPathRef("names")})};
  WithOutput(list, "names");
  Step gate = CommandStep("gate", 4, "alpine:3.19", {"echo", "go"});
  Condition both;
  both.op = Condition::Op::kAnd;
  both.operands = {
      Compare(Condition::Op::kIn, Template::Of(ParamRef("mode")), Template::Of(ParamRef("modes"))),
      Compare(Condition::Op::kIn, Text({"x-", OutputRef("flip", "side")}),
              Template::Of(OutputRef("list", "names")))};
  gate.when = both;
  gate.after = {"flip", "list"};
  p.steps = {flip, list, gate};
  return p;
}

// `gate` runs when param `mode` is in the list param `modes` (KFP compares whole values only).
Pipeline ParamMembershipPipeline() {
  Pipeline p = MembershipPipeline();
  p.steps[2].when =
      Compare(Condition::Op::kIn, Template::Of(ParamRef("mode")), Template::Of(ParamRef("modes")));
  return p;
}

std::string GateWhen(const std::string& yaml) {
  const YAML::Node workflow = YAML::Load(yaml);
  for (const YAML::Node& task : Get(workflow, "spec", "templates", 0, "dag", "tasks"))
    if (Scalar(task["name"]) == "gate") return Scalar(task["when"]);
  return "";
}

}  // namespace

TEST_CASE("Argo: membership in a run-time list is an expression tag") {
  CHECK(GateWhen(EmitArgo(MembershipPipeline())) ==
        "{{=string(workflow.parameters['mode']) in map(jsonpath(workflow.parameters['modes'], "
        "'$'), {string(#)})}} && {{=string('x-' + tasks['flip'].outputs.parameters['side']) in "
        "map(jsonpath(tasks['list'].outputs.parameters['names'], '$'), {string(#)})}}");
}

TEST_CASE("Argo: a run-time list of a loop item is a clear error") {
  Pipeline p = MembershipPipeline();
  p.steps[2].when =
      Compare(Condition::Op::kIn, Template::Of(ItemRef()), Template::Of(ParamRef("modes")));
  Loop loop;
  loop.items = {"\"fast\""};
  p.steps[2].loop = loop;
  try {
    EmitArgo(p);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(FormatError(e, false) ==
          "test.lua:4: error: step 'gate': Argo cannot read the loop item in an expression tag "
          "({{=...}}), which this comparison needs for its parameters and step outputs\n");
  }
}

TEST_CASE("KFP: membership in a run-time list is CEL") {
  const YAML::Node spec = YAML::LoadAll(EmitKfp(ParamMembershipPipeline()))[0];
  CHECK(Scalar(Get(spec, "root", "dag", "tasks", "condition-1", "triggerPolicy", "condition")) ==
        "inputs.parameter_values['pipelinechannel--mode'] in "
        "inputs.parameter_values['pipelinechannel--modes']");
}

TEST_CASE("membership in a run-time list passes the shared validators") {
  TempDir dir("run_time_list");
  CheckArgoValid(dir, dir.Write("membership.argo.yaml", EmitArgo(MembershipPipeline())));
  CheckKfpValid(dir, dir.Write("membership.kfp.yaml", EmitKfp(ParamMembershipPipeline())));
}
