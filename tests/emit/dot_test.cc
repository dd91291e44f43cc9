#include <doctest/doctest.h>

#include "ctp/emit/emit.h"
#include "pipeline_builder.h"

using namespace ctp;
using namespace ctp::testing;

TEST_CASE("EmitDot writes one node per step and one edge per dependency") {
  Pipeline p;
  p.name = "two";
  Step a = ContainerStep("a", 1, "alpine:3.19");
  WithOutput(a, "out");
  Step b = ContainerStep("b", 2, "python:3.11");
  WithArg(b, OutputRef("a", "out"));
  b.after = {"a"};
  p.steps = {a, b};
  CHECK(EmitDot(p) ==
        "digraph G {\n"
        "a [label=\"a\\ncontainer: alpine:3.19\", shape=box, style=solid];\n"
        "b [label=\"b\\ncontainer: python:3.11\", shape=box, style=solid];\n"
        "a->b  [style=solid];\n"
        "}\n");
}
