#include "ctp/model/dag.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/depth_first_search.hpp>
#include <boost/graph/topological_sort.hpp>
#include <iterator>
#include <set>
#include <unordered_map>

#include "ctp/model/diagnostic.h"
#include "ctp/model/step_refs.h"

namespace ctp {
namespace {

// Edges point from a step to the steps it waits for, so that a depth-first finish order is a
// topological order and ties keep the declaration order.
using WaitGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
using Vertex = boost::graph_traits<WaitGraph>::vertex_descriptor;

// Finds one cycle: on the first back edge u -> v, the DFS path from v to u closes it.
struct CycleFinder : boost::default_dfs_visitor {
  std::vector<Vertex>* path;
  std::vector<Vertex>* cycle;
  void discover_vertex(Vertex v, const WaitGraph&) { path->push_back(v); }
  void finish_vertex(Vertex, const WaitGraph&) { path->pop_back(); }
  template <class Edge>
  void back_edge(Edge e, const WaitGraph& g) {
    if (!cycle->empty()) return;
    Vertex target = boost::target(e, g);
    auto start = std::find(path->begin(), path->end(), target);
    cycle->assign(start, path->end());
  }
};

}  // namespace

struct Dag::Impl {
  std::vector<std::string> names;
  std::unordered_map<std::string, std::size_t> index;
  std::vector<DagEdge> edges;
  std::vector<std::size_t> first_edge;  // edges into step i: [first_edge[i], first_edge[i + 1])
  std::vector<std::vector<std::size_t>> downstream;  // steps waiting for step i, ascending
  std::vector<std::string> order;
};

std::vector<std::string> DataDependencies(const Step& step) {
  std::vector<std::string> names;
  for (const Ref& ref : StepRefs(step)) {
    if (ref.kind != Ref::Kind::kStepOutput) continue;
    if (std::find(names.begin(), names.end(), ref.step) == names.end()) names.push_back(ref.step);
  }
  return names;
}

Dag Dag::Build(const Pipeline& pipeline) {
  auto impl = std::make_unique<Impl>();
  for (const Step& step : pipeline.steps) {
    impl->index.emplace(step.name, impl->names.size());
    impl->names.push_back(step.name);
  }
  WaitGraph graph(impl->names.size());
  std::vector<Diagnostic> problems;
  std::set<std::pair<std::size_t, std::size_t>> seen;  // (to, from)
  // Each edge with its (to, from) declaration indices, the order the graph is built in.
  std::vector<std::pair<std::pair<std::size_t, std::size_t>, std::size_t>> keyed;
  auto add_edge = [&](const Step& step, const std::string& from, DagEdge::Reason reason) {
    auto found = impl->index.find(from);
    if (found == impl->index.end()) {
      problems.push_back({step.location,
                          fmt::format("step '{}' depends on unknown step '{}'{}", step.name, from,
                                      DidYouMean(from, impl->names)),
                          from});
      return;
    }
    const std::pair key(impl->index.at(step.name), found->second);
    if (!seen.insert(key).second) return;
    keyed.push_back({key, impl->edges.size()});
    impl->edges.push_back({from, step.name, reason});
  };
  for (const Step& step : pipeline.steps) {
    for (const std::string& from : DataDependencies(step))
      add_edge(step, from, DagEdge::Reason::kData);
    for (const std::string& from : step.after) add_edge(step, from, DagEdge::Reason::kAfter);
  }
  if (!problems.empty()) throw Error(std::move(problems));
  // Sorted by (to, from) in declaration order, so that the depth-first search below visits
  // dependencies in declaration order and its results are deterministic. The (to, from) pairs
  // are unique, so the order is total.
  std::sort(keyed.begin(), keyed.end());
  std::vector<DagEdge> sorted;
  sorted.reserve(keyed.size());
  impl->first_edge.assign(impl->names.size() + 1, 0);
  impl->downstream.resize(impl->names.size());
  for (const auto& [key, i] : keyed) {
    const auto [to, from] = key;
    sorted.push_back(std::move(impl->edges[i]));
    boost::add_edge(to, from, graph);
    ++impl->first_edge[to + 1];
    impl->downstream[from].push_back(to);
  }
  impl->edges = std::move(sorted);
  for (std::size_t i = 0; i < impl->names.size(); ++i)
    impl->first_edge[i + 1] += impl->first_edge[i];

  std::vector<Vertex> path, cycle;
  boost::depth_first_search(graph, boost::visitor(CycleFinder{{}, &path, &cycle}));
  if (!cycle.empty()) {
    // `cycle` follows wait edges (a waits for b); print it in run order (b -> a), starting at
    // the step declared first.
    std::reverse(cycle.begin(), cycle.end());
    std::rotate(cycle.begin(), std::min_element(cycle.begin(), cycle.end()), cycle.end());
    std::string text;
    for (Vertex v : cycle) {
      const Step& step = pipeline.steps[v];
      text += fmt::format("{} ({}:{}) -> ", step.name, step.location.file, step.location.line);
    }
    text += impl->names[cycle.front()];
    const Step& first = pipeline.steps[cycle.front()];
    throw Error(first.location, "dependency cycle: " + text);
  }

  std::vector<Vertex> order;
  boost::topological_sort(graph, std::back_inserter(order));
  for (Vertex v : order) impl->order.push_back(impl->names[v]);
  return Dag(std::move(impl));
}

Dag::Dag(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Dag::Dag(Dag&&) noexcept = default;
Dag& Dag::operator=(Dag&&) noexcept = default;
Dag::~Dag() = default;

const std::vector<std::string>& Dag::TopologicalOrder() const { return impl_->order; }
const std::vector<DagEdge>& Dag::Edges() const { return impl_->edges; }
std::size_t Dag::size() const { return impl_->names.size(); }

std::vector<std::string> Dag::Upstream(const std::string& step) const {
  std::vector<std::string> names;
  auto found = impl_->index.find(step);
  if (found == impl_->index.end()) return names;
  for (std::size_t e = impl_->first_edge[found->second]; e < impl_->first_edge[found->second + 1];
       ++e)
    names.push_back(impl_->edges[e].from);
  return names;
}

std::vector<std::string> Dag::Downstream(const std::string& step) const {
  std::vector<std::string> names;
  auto found = impl_->index.find(step);
  if (found == impl_->index.end()) return names;
  for (std::size_t to : impl_->downstream[found->second]) names.push_back(impl_->names[to]);
  return names;
}

}  // namespace ctp
