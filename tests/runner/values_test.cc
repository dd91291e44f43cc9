// Placeholder resolution details: container paths mapped to local folders, conditions, loop items.
#include "values.h"

#include <doctest/doctest.h>

#include "task_builder.h"  // runner/ (internal header)

namespace ctp::testing {
namespace {

TEST_CASE("container paths are mapped where they start a path, longest first") {
  const std::vector<std::pair<std::string, std::string>> mapping = {{"/data/models", "/local/m"},
                                                                    {"/data", "/local/d"}};
  CHECK(runner::MapContainerPaths("/data", mapping) == "/local/d");
  CHECK(runner::MapContainerPaths("cat /data/x.txt", mapping) == "cat /local/d/x.txt");
  CHECK(runner::MapContainerPaths("--out=/data/models/a", mapping) == "--out=/local/m/a");
  CHECK(runner::MapContainerPaths("/database /x/data 'data'", mapping) ==
        "/database /x/data 'data'");
  CHECK(runner::MapContainerPaths("\"/data\";/data:", mapping) == "\"/local/d\";/local/d:");
}

TEST_CASE("conditions compare numbers as numbers and text as text") {
  const std::map<std::string, std::string> params = {{"n", "10"}, {"s", "b"}};
  runner::ValueScope scope;
  scope.params = &params;
  auto compare = [&](Condition::Op op, const std::string& param, const std::string& value) {
    Condition c;
    c.op = op;
    c.lhs = Template::Of(Ref{Ref::Kind::kParam, {}, param});
    c.rhs = Template::Of(value);
    return runner::EvaluateCondition(c, scope);
  };
  CHECK(compare(Condition::Op::kGt, "n", "9"));  // as text "10" < "9"
  CHECK(compare(Condition::Op::kEq, "n", "10.0"));
  CHECK(compare(Condition::Op::kLt, "s", "c"));
  CHECK(compare(Condition::Op::kIn, "s", R"(["a", "b"])"));
  CHECK_FALSE(compare(Condition::Op::kIn, "n", "[1, 2]"));
  CHECK_THROWS_WITH(compare(Condition::Op::kIn, "s", "b"), "'in' needs a JSON list, got b");
}

TEST_CASE("loop items and their fields resolve as steps see them") {
  Step step;
  step.name = "each";
  step.loop = Loop{{"1", R"("text")", R"({"k": [1, 2]})"}, std::nullopt, 0};
  runner::ValueScope scope;
  std::vector<nlohmann::json> items = runner::LoopItems(step, scope);
  REQUIRE(items.size() == 3);
  scope.item = &items[1];
  CHECK(runner::ResolveRef(Ref{Ref::Kind::kLoopItem, {}, ""}, scope) == "text");
  scope.item = &items[2];
  CHECK(runner::ResolveRef(Ref{Ref::Kind::kLoopItem, {}, "k"}, scope) == "[1,2]");
  CHECK_THROWS_WITH(runner::ResolveRef(Ref{Ref::Kind::kLoopItem, {}, "z"}, scope),
                    R"(loop item {"k":[1,2]} has no field 'z')");
}

}  // namespace
}  // namespace ctp::testing
