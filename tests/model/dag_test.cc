#include "ctp/model/dag.h"

#include <doctest/doctest.h>

#include <algorithm>

#include "ctp/model/diagnostic.h"
#include "pipeline_builder.h"

using namespace ctp;
using namespace ctp::testing;

namespace {

// diamond: a -> b, a -> c, {b, c} -> d, declared in the order d? no: a, b, c, d.
Pipeline Diamond() {
  Pipeline p;
  p.name = "diamond";
  p.location = {"test.lua", 1};
  Step a = ContainerStep("a", 2);
  WithOutput(a, "out");
  Step b = ContainerStep("b", 3);
  WithOutput(WithArg(b, OutputRef("a", "out")), "out");
  Step c = ContainerStep("c", 4);
  WithOutput(WithArg(c, OutputRef("a", "out")), "out");
  Step d = ContainerStep("d", 5);
  WithArg(WithArg(d, OutputRef("c", "out")), OutputRef("b", "out"));
  p.steps = {a, b, c, d};
  return p;
}

std::string Message(const Pipeline& p) {
  try {
    CheckPipeline(p);
  } catch (const Error& e) {
    return FormatError(e, /*show_source=*/false);
  }
  return "no error";
}

}  // namespace

TEST_CASE("topological order follows dependencies, visiting them in declaration order") {
  Pipeline p = Diamond();
  Dag dag = Dag::Build(p);
  CHECK(dag.TopologicalOrder() == std::vector<std::string>{"a", "b", "c", "d"});
  CHECK(dag.Upstream("d") == std::vector<std::string>{"b", "c"});
  CHECK(dag.Downstream("a") == std::vector<std::string>{"b", "c"});
  CHECK(dag.Edges().size() == 4);

  // Declared out of order: d first. It still comes last.
  std::rotate(p.steps.begin(), p.steps.begin() + 3, p.steps.end());
  CHECK(Dag::Build(p).TopologicalOrder() == std::vector<std::string>{"a", "b", "c", "d"});
}

TEST_CASE("upstream, downstream and edges are indexed in declaration order, not use order") {
  Pipeline p = Diamond();
  // d reads c before b, and lists a in `after`; c is declared before b.
  p.steps[3].after = {"a"};
  std::swap(p.steps[1], p.steps[2]);
  Dag dag = Dag::Build(p);
  CHECK(dag.Upstream("d") == std::vector<std::string>{"a", "c", "b"});
  CHECK(dag.Downstream("a") == std::vector<std::string>{"c", "b", "d"});
  CHECK(dag.Downstream("d").empty());
  CHECK(dag.Upstream("a").empty());
  CHECK(dag.Upstream("no-such-step").empty());
  CHECK(dag.Downstream("no-such-step").empty());
  std::vector<std::string> edges;
  for (const DagEdge& e : dag.Edges())
    edges.push_back(e.from + ">" + e.to + (e.reason == DagEdge::Reason::kAfter ? " after" : ""));
  CHECK(edges == std::vector<std::string>{"a>c", "a>b", "a>d after", "c>d", "b>d"});
}

TEST_CASE("independent steps keep declaration order") {
  Pipeline p;
  p.name = "flat";
  p.steps = {ContainerStep("z", 1), ContainerStep("y", 2), ContainerStep("x", 3)};
  CHECK(Dag::Build(p).TopologicalOrder() == std::vector<std::string>{"z", "y", "x"});
}

TEST_CASE("a cycle is printed with the locations of its steps") {
  Pipeline p = Diamond();
  p.steps[0].after = {"d"};
  CHECK(Message(p) ==
        "test.lua:2: error: dependency cycle: a (test.lua:2) -> b (test.lua:3) -> d (test.lua:5) "
        "-> a\n");
}

TEST_CASE("unknown steps, outputs and parameters get did-you-mean") {
  Pipeline p = Diamond();
  p.steps[3].args.push_back(Template::Of(OutputRef("c", "ouT")));
  p.steps[3].after = {"bb"};
  p.steps[2].args.push_back(Template::Of(ParamRef("epochs")));
  p.params.push_back(Param{"epoch", ParamType::kInt, "5", "", {"test.lua", 1}});
  CHECK(Message(p) ==
        "test.lua:4: error: step 'c' uses unknown parameter 'epochs' (did you mean 'epoch'?)\n"
        "test.lua:5: error: step 'd' uses unknown output 'ouT' of step 'c' (did you mean 'out'?)\n"
        "test.lua:5: error: step 'd' runs after unknown step 'bb' (did you mean 'b'?)\n");
}

TEST_CASE("names follow Kubernetes rules") {
  Pipeline p = Diamond();
  p.name = "My_Pipeline";
  p.steps[1].name = "train_model";
  p.steps[2].name = "a";
  std::string message = Message(p);
  CHECK(message.find("test.lua:1: error: pipeline name 'My_Pipeline' is not a valid Kubernetes "
                     "name: use at most 63 lowercase letters, digits and '-', starting and ending "
                     "with a letter or digit (did you mean 'my-pipeline'?)\n") == 0);
  CHECK(message.find("step name 'train_model' is not a valid Kubernetes name") !=
        std::string::npos);
  CHECK(message.find("test.lua:4: error: duplicate step name 'a'\n") != std::string::npos);
}
