#include "ctp/dag.h"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/depth_first_search.hpp>
#include <boost/graph/topological_sort.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <map>
#include <set>

#include "ctp/diagnostic.h"

namespace ctp {
namespace {

// Edges point from a step to the steps it waits for, so that a depth-first finish order is a
// topological order and ties keep the declaration order.
using WaitGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
using Vertex = boost::graph_traits<WaitGraph>::vertex_descriptor;

void CollectRefs(const Template& t, std::vector<Ref>& refs) {
  for (const Template::Part& part : t.parts)
    if (part.ref) refs.push_back(*part.ref);
}

void CollectRefs(const Condition& c, std::vector<Ref>& refs) {
  CollectRefs(c.lhs, refs);
  CollectRefs(c.rhs, refs);
  for (const Condition& operand : c.operands) CollectRefs(operand, refs);
}

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
  std::map<std::string, std::size_t> index;
  std::vector<DagEdge> edges;
  std::vector<std::string> order;
};

std::vector<Ref> StepRefs(const Step& step) {
  std::vector<Ref> refs;
  for (const Template& t : step.command) CollectRefs(t, refs);
  for (const Template& t : step.args) CollectRefs(t, refs);
  for (const EnvVar& e : step.env) CollectRefs(e.value, refs);
  for (const Input& i : step.inputs) CollectRefs(i.value, refs);
  if (step.when) CollectRefs(*step.when, refs);
  if (step.loop && step.loop->items_ref) refs.push_back(*step.loop->items_ref);
  return refs;
}

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
  std::set<std::pair<std::string, std::string>> seen;  // (from, to)
  auto add_edge = [&](const Step& step, const std::string& from, DagEdge::Reason reason) {
    auto found = impl->index.find(from);
    if (found == impl->index.end()) {
      problems.push_back({step.location,
                          fmt::format("step '{}' depends on unknown step '{}'{}", step.name, from,
                                      DidYouMean(from, impl->names)),
                          from});
      return;
    }
    if (!seen.emplace(from, step.name).second) return;
    impl->edges.push_back({from, step.name, reason});
  };
  for (const Step& step : pipeline.steps) {
    for (const std::string& from : DataDependencies(step)) add_edge(step, from, DagEdge::Reason::kData);
    for (const std::string& from : step.after) add_edge(step, from, DagEdge::Reason::kAfter);
  }
  if (!problems.empty()) throw Error(std::move(problems));
  // Sorted by (to, from) in declaration order, so that the depth-first search below visits
  // dependencies in declaration order and its results are deterministic.
  std::stable_sort(impl->edges.begin(), impl->edges.end(), [&](const DagEdge& a, const DagEdge& b) {
    return std::pair(impl->index.at(a.to), impl->index.at(a.from)) <
           std::pair(impl->index.at(b.to), impl->index.at(b.from));
  });
  for (const DagEdge& e : impl->edges) boost::add_edge(impl->index.at(e.to), impl->index.at(e.from), graph);

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
  for (const DagEdge& e : impl_->edges)
    if (e.to == step) names.push_back(e.from);
  return names;
}

std::vector<std::string> Dag::Downstream(const std::string& step) const {
  std::vector<std::pair<std::size_t, std::string>> found;
  for (const DagEdge& e : impl_->edges)
    if (e.from == step) found.emplace_back(impl_->index.at(e.to), e.to);
  std::sort(found.begin(), found.end());
  std::vector<std::string> names;
  for (auto& [index, name] : found) names.push_back(name);
  return names;
}

}  // namespace ctp
