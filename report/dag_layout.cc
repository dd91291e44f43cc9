#include "dag_layout.h"

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/topological_sort.hpp>
#include <iterator>
#include <map>
#include <stdexcept>

namespace ctp::report {
namespace {

using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;

}  // namespace

DagLayout LayOutDag(const std::vector<std::string>& steps, const std::vector<DagLink>& edges,
                    const std::string& exit_handler) {
  std::vector<std::string> names;
  std::map<std::string, std::size_t> index;
  auto add = [&](const std::string& name) {
    if (name.empty() || name == exit_handler || index.count(name)) return;
    index.emplace(name, names.size());
    names.push_back(name);
  };
  for (const std::string& step : steps) add(step);
  for (const DagLink& edge : edges) {
    add(edge.from);
    add(edge.to);
  }

  Graph graph(names.size());
  for (const DagLink& edge : edges) {
    if (!index.count(edge.from) || !index.count(edge.to)) continue;  // edges of the exit handler
    boost::add_edge(index.at(edge.from), index.at(edge.to), graph);
  }
  std::vector<std::size_t> reverse_order;
  try {
    boost::topological_sort(graph, std::back_inserter(reverse_order));
  } catch (const boost::not_a_dag&) {
    throw std::invalid_argument("the run's DAG has a cycle");
  }

  // Longest path from a source: visit in topological order, push ranks along out-edges.
  std::vector<int> rank(names.size(), 0);
  for (auto it = reverse_order.rbegin(); it != reverse_order.rend(); ++it) {
    for (auto [e, end] = boost::out_edges(*it, graph); e != end; ++e) {
      const std::size_t target = boost::target(*e, graph);
      rank[target] = std::max(rank[target], rank[*it] + 1);
    }
  }

  DagLayout layout;
  std::map<int, int> rows;
  for (std::size_t i = 0; i < names.size(); ++i) {
    layout.nodes.push_back({names[i], rank[i], rows[rank[i]]++, false});
    layout.ranks = std::max(layout.ranks, rank[i] + 1);
  }
  if (!exit_handler.empty()) {
    layout.nodes.push_back({exit_handler, layout.ranks, 0, true});
    rows[layout.ranks] = 1;
    ++layout.ranks;
  }
  for (const auto& [column, count] : rows) layout.max_rows = std::max(layout.max_rows, count);
  return layout;
}

}  // namespace ctp::report
