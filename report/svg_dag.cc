// The DAG drawing: dag_layout's columns left to right, nodes as rounded boxes coloured by status,
// edges as cubic Bézier paths with an arrowhead.
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "dag_layout.h"
#include "html_text.h"
#include "report_sections.h"

namespace ctp::report {
namespace {

constexpr double kNodeWidth = 212, kNodeHeight = 46, kColumnGap = 64, kRowGap = 22, kMargin = 12;
constexpr std::size_t kMaxLabel = 24;

/// Top-left corner of a node's box.
struct Point {
  double x = 0, y = 0;
};

Point Corner(const LayoutNode& node) {
  return {kMargin + node.rank * (kNodeWidth + kColumnGap),
          kMargin + node.order * (kNodeHeight + kRowGap)};
}

std::string Shorten(const std::string& name) {
  if (name.size() <= kMaxLabel) return name;
  return name.substr(0, kMaxLabel - 1) + "…";
}

std::string NodeSubtitle(const StepRecord* step, bool exit_handler) {
  std::string text = exit_handler ? "exit handler · " : "";
  if (!step) return text + "not recorded";
  text += std::string(StatusName(step->status));
  if (step->cache_hit) text += " · cached";
  const std::string duration = FormatDuration(step->Start(), step->End());
  if (duration != "—") text += " · " + duration;
  if (step->attempts > 1) text += fmt::format(" · {} tries", step->attempts);
  return text;
}

std::string Node(const LayoutNode& node, const StepRecord* step) {
  const Point at = Corner(node);
  const std::string status(step ? StatusName(step->status) : "pending");
  std::string classes = "node status-" + status;
  if (node.exit_handler) classes += " exit-handler";
  if (step && step->cache_hit) classes += " cache-hit";
  return fmt::format(
      "<g class=\"{}\" data-step=\"{}\"><title>{}</title>"
      "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"7\"/>"
      "<text class=\"node-name\" x=\"{}\" y=\"{}\">{}</text>"
      "<text class=\"node-status\" x=\"{}\" y=\"{}\">{}</text></g>\n",
      classes, EscapeHtml(node.name), EscapeHtml(node.name), FormatCoordinate(at.x),
      FormatCoordinate(at.y), FormatCoordinate(kNodeWidth), FormatCoordinate(kNodeHeight),
      FormatCoordinate(at.x + 10), FormatCoordinate(at.y + 19), EscapeHtml(Shorten(node.name)),
      FormatCoordinate(at.x + 10), FormatCoordinate(at.y + 36),
      EscapeHtml(NodeSubtitle(step, node.exit_handler)));
}

std::string Edge(const LayoutNode& from, const LayoutNode& to) {
  const Point a = Corner(from), b = Corner(to);
  const double x1 = a.x + kNodeWidth, y1 = a.y + kNodeHeight / 2;
  const double x2 = b.x - 3, y2 = b.y + kNodeHeight / 2;
  const double middle = (x1 + x2) / 2;
  return fmt::format(
      "<path class=\"edge\" data-from=\"{}\" data-to=\"{}\" d=\"M{},{} C{},{} {},{} {},{}\" "
      "marker-end=\"url(#arrow)\"/>\n",
      EscapeHtml(from.name), EscapeHtml(to.name), FormatCoordinate(x1), FormatCoordinate(y1),
      FormatCoordinate(middle), FormatCoordinate(y1), FormatCoordinate(middle),
      FormatCoordinate(y2), FormatCoordinate(x2), FormatCoordinate(y2));
}

/// The step a task belongs to: `s` for a loop iteration `s[2]`, else the name itself.
std::string StepOfTask(const std::string& task) {
  const std::size_t bracket = task.rfind('[');
  return bracket != std::string::npos && bracket > 0 && task.back() == ']' ? task.substr(0, bracket)
                                                                           : task;
}

/// How bad a status is, for folding a loop's iterations into one node.
int Severity(RunStatus status) {
  switch (status) {
    case RunStatus::kFailed:
      return 5;
    case RunStatus::kRunning:
      return 4;
    case RunStatus::kInterrupted:
      return 3;
    case RunStatus::kPending:
      return 2;
    case RunStatus::kSucceeded:
      return 1;
    case RunStatus::kSkipped:
    case RunStatus::kOmitted:
      return 0;
  }
  return 0;
}

/// Widens the span of `step` (its first start to its last end) to cover `task`'s.
void WidenSpan(StepRecord& step, const StepRecord& task) {
  const std::optional<Timestamp> end = step.End(), task_end = task.End();
  if (task.Start() && (!step.Start() || task.started_at < step.started_at))
    step.started_at = task.started_at;
  const std::optional<Timestamp> last = !end        ? task_end
                                        : !task_end ? end
                                                    : std::max(*end, *task_end);
  if (last) step.duration = *last - step.started_at;
}

/// One record per step: loop iterations (`s[0]`, `s[1]`, ...) fold into `s` with the worst
/// status, the first start, the last end, the attempts added up, and a cache hit only if all were.
std::vector<StepRecord> FoldIterations(const std::vector<StepRecord>& tasks) {
  std::vector<StepRecord> steps;
  std::map<std::string, std::size_t> index;
  for (const StepRecord& task : tasks) {
    const std::string name = StepOfTask(task.step);
    const bool iteration = name != task.step;
    const auto found = index.find(name);
    if (found == index.end()) {
      index[name] = steps.size();
      steps.push_back(task);
      steps.back().step = name;
      continue;
    }
    StepRecord& step = steps[found->second];
    if (!iteration) continue;  // the loop's own record, after its iterations: keep theirs
    WidenSpan(step, task);
    if (Severity(task.status) > Severity(step.status)) step.status = task.status;
    step.attempts += task.attempts;
    step.cache_hit = step.cache_hit && task.cache_hit;
  }
  return steps;
}

}  // namespace

std::string RenderDagSvg(const RunReport& report) {
  const std::vector<StepRecord> records = FoldIterations(report.steps);
  std::vector<std::string> names;
  std::map<std::string, const StepRecord*> steps;
  for (const StepRecord& step : records) {
    names.push_back(step.step);
    steps[step.step] = &step;
  }
  const DagLayout layout = LayOutDag(names, report.edges, report.exit_handler);
  std::map<std::string, const LayoutNode*> nodes;
  for (const LayoutNode& node : layout.nodes) nodes[node.name] = &node;

  const double width = 2 * kMargin + layout.ranks * kNodeWidth + (layout.ranks - 1) * kColumnGap;
  const double height =
      2 * kMargin + layout.max_rows * kNodeHeight + (layout.max_rows - 1) * kRowGap;
  std::string svg = fmt::format(
      "<svg class=\"dag\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {0} {1}\" "
      "width=\"{0}\" height=\"{1}\" role=\"img\" aria-label=\"pipeline DAG\">\n"
      "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" "
      "markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\"/></marker></defs>\n",
      FormatCoordinate(std::max(width, 0.0)), FormatCoordinate(std::max(height, 0.0)));
  for (const DagLink& edge : report.edges) {
    if (!nodes.count(edge.from) || !nodes.count(edge.to)) continue;
    svg += Edge(*nodes.at(edge.from), *nodes.at(edge.to));
  }
  for (const LayoutNode& node : layout.nodes) {
    const auto found = steps.find(node.name);
    svg += Node(node, found == steps.end() ? nullptr : found->second);
  }
  return svg + "</svg>\n";
}

}  // namespace ctp::report
