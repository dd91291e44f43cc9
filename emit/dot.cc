// EmitDot: the DAG as Graphviz DOT through Boost.Graph's writer.
// GCC 12 reports a false maybe-uninitialized inside boost::optional in Boost.Graph's edge iterator
// (Clang has no such warning).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/graphviz.hpp>

#include <map>
#include <sstream>

#include "ctp/model/dag.h"
#include "ctp/emit/emit.h"

namespace ctp {
namespace {

struct DotNode {
  std::string name;
  std::string label;
  std::string shape;
  std::string style;
};
struct DotEdge {
  std::string style;
};
using DotGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, DotNode, DotEdge>;

std::string NodeLabel(const Pipeline& pipeline, const Step& step) {
  std::string label = step.name + "\\n" + (step.IsScript() ? "script" : StepKindName(step.kind));
  switch (step.kind) {
    case Step::Kind::kContainer:
      label += ": " + (step.image.empty() ? pipeline.image : step.image);
      break;
    case Step::Kind::kNative:
      label += ": " + step.native;
      break;
    case Step::Kind::kPipeline:
      if (step.pipeline) label += ": " + step.pipeline->name;
      break;
    case Step::Kind::kLua:
      break;
  }
  if (step.loop) label += "\\n(for each)";
  if (step.when) label += "\\n(when)";
  return label;
}

const char* NodeShape(const Step& step) {
  switch (step.kind) {
    case Step::Kind::kContainer: return "box";
    case Step::Kind::kLua: return "ellipse";
    case Step::Kind::kNative: return "box3d";
    case Step::Kind::kPipeline: return "folder";
  }
  return "box";
}

}  // namespace

std::string EmitDot(const Pipeline& pipeline) {
  Dag dag = Dag::Build(pipeline);
  DotGraph graph;
  std::map<std::string, DotGraph::vertex_descriptor> vertex;
  for (const Step& step : pipeline.steps)
    vertex[step.name] = boost::add_vertex(
        DotNode{step.name, NodeLabel(pipeline, step), NodeShape(step), "solid"}, graph);
  if (pipeline.on_exit)
    boost::add_vertex(DotNode{pipeline.on_exit->name,
                              NodeLabel(pipeline, *pipeline.on_exit) + "\\n(on exit)",
                              NodeShape(*pipeline.on_exit), "dashed"},
                      graph);
  for (const DagEdge& edge : dag.Edges())
    boost::add_edge(vertex.at(edge.from), vertex.at(edge.to),
                    DotEdge{edge.reason == DagEdge::Reason::kAfter ? "dashed" : "solid"}, graph);

  boost::dynamic_properties properties;
  properties.property("node_id", boost::get(&DotNode::name, graph));
  properties.property("label", boost::get(&DotNode::label, graph));
  properties.property("shape", boost::get(&DotNode::shape, graph));
  properties.property("style", boost::get(&DotNode::style, graph));
  properties.property("style", boost::get(&DotEdge::style, graph));
  std::ostringstream out;
  boost::write_graphviz_dp(out, graph, properties);
  return out.str();
}

}  // namespace ctp
