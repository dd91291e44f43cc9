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

TEST_CASE("conditions compare as their type says: numbers as Go reads them, text byte by byte") {
  const std::map<std::string, std::string> params = {
      {"n", "10"}, {"s", "b"}, {"e", "1e3"}, {"u", "1_000"}, {"w", " 7"}, {"big", "1e400"}};
  runner::ValueScope scope;
  scope.params = &params;
  auto compare = [&](Condition::Compare as, Condition::Op op, const std::string& param,
                     const std::string& value) {
    Condition c;
    c.op = op;
    c.compare = as;
    c.lhs = Template::Of(Ref{Ref::Kind::kParam, {}, param});
    c.rhs = Template::Of(value);
    return runner::EvaluateCondition(c, scope);
  };
  const auto number = Condition::Compare::kNumber, text = Condition::Compare::kText;
  CHECK(compare(number, Condition::Op::kGt, "n", "9"));
  CHECK_FALSE(compare(text, Condition::Op::kGt, "n", "9"));  // "10" < "9" as text
  CHECK(compare(number, Condition::Op::kEq, "n", "10.0"));
  CHECK_FALSE(compare(text, Condition::Op::kEq, "n", "10.0"));
  CHECK(compare(number, Condition::Op::kEq, "e", "1000"));
  CHECK(compare(number, Condition::Op::kEq, "u", "1000"));  // Go: underscores between digits
  CHECK(compare(text, Condition::Op::kLt, "s", "c"));
  CHECK(compare(text, Condition::Op::kIn, "s", R"(["a", "b"])"));
  CHECK_FALSE(compare(number, Condition::Op::kIn, "n", "[1, 2]"));
  CHECK(compare(number, Condition::Op::kIn, "n", "[1, 10.0]"));
  CHECK_THROWS_WITH(compare(text, Condition::Op::kIn, "s", "b"), "'in' needs a JSON list, got b");
  CHECK_THROWS_WITH(compare(number, Condition::Op::kGt, "s", "1"),
                    "its condition compares numbers, but parameter 's' is 'b', not a number");
  CHECK_THROWS_WITH(compare(number, Condition::Op::kEq, "w", "7"),
                    "its condition compares numbers, but parameter 'w' is ' 7', not a number");
  CHECK_THROWS_WITH(compare(number, Condition::Op::kEq, "big", "7"),
                    "its condition compares numbers, but parameter 'big' is '1e400', not a number");
}

TEST_CASE("all and any evaluate every comparison: one that fails fails the condition") {
  const std::map<std::string, std::string> params = {{"n", "10"}, {"s", "abc"}};
  runner::ValueScope scope;
  scope.params = &params;
  Condition decided, failing;
  decided.lhs = Template::Of(Ref{Ref::Kind::kParam, {}, "n"});
  decided.rhs = Template::Of("11");
  decided.compare = failing.compare = Condition::Compare::kNumber;  // 10 == 11: false
  failing.lhs = Template::Of(Ref{Ref::Kind::kParam, {}, "s"});
  failing.rhs = Template::Of("1");
  for (Condition::Op op : {Condition::Op::kAnd, Condition::Op::kOr}) {
    Condition both;
    both.op = op;
    both.operands = {decided, failing};
    CHECK_THROWS_WITH(runner::EvaluateCondition(both, scope),
                      "its condition compares numbers, but parameter 's' is 'abc', not a number");
  }
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
