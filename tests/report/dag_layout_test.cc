#include "../../report/dag_layout.h"

#include <doctest/doctest.h>

#include <map>
#include <stdexcept>

namespace {

/// name -> (rank, order)
std::map<std::string, std::pair<int, int>> Positions(const ctp::report::DagLayout& layout) {
  std::map<std::string, std::pair<int, int>> positions;
  for (const auto& node : layout.nodes) positions[node.name] = {node.rank, node.order};
  return positions;
}

}  // namespace

TEST_CASE("dag layout: a diamond gets ranks 0, 1, 1, 2 and keeps declaration order in a rank") {
  const auto layout = ctp::report::LayOutDag({"a", "c", "b", "d"},
                                             {{"a", "b"}, {"a", "c"}, {"b", "d"}, {"c", "d"}}, "");
  const auto positions = Positions(layout);
  CHECK(positions.at("a") == std::pair{0, 0});
  CHECK(positions.at("c") == std::pair{1, 0});
  CHECK(positions.at("b") == std::pair{1, 1});
  CHECK(positions.at("d") == std::pair{2, 0});
  CHECK(layout.ranks == 3);
  CHECK(layout.max_rows == 2);
}

TEST_CASE("dag layout: a rank is the longest path, not the shortest") {
  // a -> b -> c -> d and a shortcut a -> d: d still comes after c.
  const auto positions = Positions(ctp::report::LayOutDag(
      {"a", "b", "c", "d"}, {{"a", "b"}, {"b", "c"}, {"c", "d"}, {"a", "d"}}, ""));
  CHECK(positions.at("d").first == 3);
}

TEST_CASE("dag layout: the exit handler gets the last rank; edge-only names are added") {
  const auto layout = ctp::report::LayOutDag({"a", "notify", "lonely"}, {{"a", "b"}}, "notify");
  REQUIRE(layout.nodes.size() == 4);
  CHECK(layout.nodes[0].name == "a");
  CHECK(layout.nodes[1].name == "lonely");
  CHECK(layout.nodes[1].rank == 0);
  CHECK(layout.nodes[1].order == 1);
  CHECK(layout.nodes[2].name == "b");
  CHECK(layout.nodes[3].name == "notify");
  CHECK(layout.nodes[3].exit_handler);
  CHECK(layout.nodes[3].rank == 2);
  CHECK(layout.ranks == 3);
}

TEST_CASE("dag layout: a cycle is refused with a clear message") {
  CHECK_THROWS_WITH_AS(ctp::report::LayOutDag({"a", "b"}, {{"a", "b"}, {"b", "a"}}, ""),
                       "the run's DAG has a cycle", std::invalid_argument);
}
