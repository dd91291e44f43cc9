#include "ctp/report/report_pipeline.h"

#include <map>

#include "ctp/model/dag.h"

namespace ctp::report {
namespace {

/// The step a task belongs to: `s` for a loop iteration `s[2]`, else the name itself.
std::string StepOf(const std::string& task) {
  const std::size_t bracket = task.rfind('[');
  return bracket != std::string::npos && bracket > 0 && task.back() == ']' ? task.substr(0, bracket)
                                                                           : task;
}

}  // namespace

void AddPipelineShape(const Pipeline& pipeline, RunReport& report) {
  if (report.pipeline.empty()) report.pipeline = pipeline.name;
  report.edges.clear();
  const Dag dag = Dag::Build(pipeline);
  for (const DagEdge& edge : dag.Edges()) report.edges.push_back({edge.from, edge.to});
  report.exit_handler = pipeline.on_exit ? pipeline.on_exit->name : "";

  std::vector<std::string> declared;
  for (const Step& step : pipeline.steps) declared.push_back(step.name);
  if (pipeline.on_exit) declared.push_back(pipeline.on_exit->name);
  std::map<std::string, std::vector<StepRecord>> by_step;
  std::vector<StepRecord> others;
  for (StepRecord& record : report.steps) {
    const std::string step = StepOf(record.step);
    if (pipeline.FindStep(step))
      by_step[step].push_back(std::move(record));
    else
      others.push_back(std::move(record));
  }
  std::vector<StepRecord> ordered;
  for (const std::string& name : declared) {
    std::vector<StepRecord>& records = by_step[name];
    if (records.empty()) {
      StepRecord pending;
      pending.step = name;
      ordered.push_back(std::move(pending));
    }
    for (StepRecord& record : records) ordered.push_back(std::move(record));
  }
  for (StepRecord& record : others) ordered.push_back(std::move(record));
  report.steps = std::move(ordered);
}

}  // namespace ctp::report
