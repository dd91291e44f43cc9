// The step-reference walker: every reference of a step, where it appears, in one fixed order.
#include "ctp/model/step_refs.h"

#include <doctest/doctest.h>

#include <utility>

#include "pipeline_builder.h"

namespace ctp::testing {
namespace {

/// A step with one reference at every site, in the reverse of the walker's order of sites.
Step EverySite() {
  Step step = ContainerStep("s", 1);
  Loop loop;
  loop.items_ref = ParamRef("items");
  step.loop = loop;
  Condition both;
  both.op = Condition::Op::kAnd;
  both.operands = {Compare(Condition::Op::kEq, Template::Of(ParamRef("stage")), Template::Of("x")),
                   Compare(Condition::Op::kGt, Template::Of(OutputRef("a", "n")),
                           Template::Of(ParamRef("min")))};
  step.when = both;
  step.inputs.push_back({"in", Template::Of(OutputRef("a", "out")), {}});
  step.env.push_back({"E", Text({"e-", ParamRef("env")}), {}, {}, {}});
  step.args.push_back(Text({"--item=", ItemRef("k"), " --to=", OutputPathRef("o")}));
  step.command.push_back(Template::Of(ParamRef("program")));
  return step;
}

TEST_CASE("the walker visits command, args, env, inputs, the condition and the loop items") {
  std::vector<std::pair<Ref, RefSite>> seen;
  ForEachRef(EverySite(), [&](const Ref& ref, RefSite site) { seen.emplace_back(ref, site); });
  const std::vector<std::pair<Ref, RefSite>> expected = {
      {ParamRef("program"), RefSite::kCommand}, {ItemRef("k"), RefSite::kArg},
      {OutputPathRef("o"), RefSite::kArg},      {ParamRef("env"), RefSite::kEnv},
      {OutputRef("a", "out"), RefSite::kInput}, {ParamRef("stage"), RefSite::kWhen},
      {OutputRef("a", "n"), RefSite::kWhen},    {ParamRef("min"), RefSite::kWhen},
      {ParamRef("items"), RefSite::kLoopItems},
  };
  CHECK(seen == expected);
}

TEST_CASE("step refs are all of them; container refs leave out the condition and the loop") {
  const Step step = EverySite();
  CHECK(StepRefs(step).size() == 9);
  const std::vector<Ref> container = ContainerRefs(step);
  CHECK(container == std::vector<Ref>{ParamRef("program"), ItemRef("k"), OutputPathRef("o"),
                                      ParamRef("env"), OutputRef("a", "out")});
  CHECK(StepRefs(ContainerStep("plain", 2)).empty());
}

}  // namespace
}  // namespace ctp::testing
