#include "ctp/report/report_pipeline.h"

#include <doctest/doctest.h>

#include "ctp/interpreter/script.h"
#include "ctp/native/builtin_steps.h"
#include "ctp/step/step_registry.h"
#include "test_paths.h"

namespace {

ctp::StepRecord Task(const std::string& name, ctp::RunStatus status) {
  ctp::StepRecord record;
  record.step = name;
  record.status = status;
  return record;
}

/// scripts/hello.lua with the built-in native steps: greet -> count -> {echo, summary}; on exit:
/// notify.
ctp::Pipeline LoadHello() {
  static ctp::StepRegistry registry;
  static const bool registered = (ctp::RegisterBuiltinSteps(registry), true);
  (void)registered;
  ctp::LoadOptions options;
  options.registry = &registry;
  return ctp::LoadPipeline(ctp::testing::SourcePath("scripts/hello.lua"), options);
}

}  // namespace

TEST_CASE("report pipeline: edges, exit handler and declaration order come from the pipeline") {
  const ctp::Pipeline pipeline = LoadHello();
  using ctp::RunStatus;
  ctp::report::RunReport report;
  // As a run store lists them: in the order they started, one never started, a stray record.
  report.steps = {Task("notify", RunStatus::kSucceeded), Task("count", RunStatus::kFailed),
                  Task("old-step", RunStatus::kSucceeded), Task("greet", RunStatus::kSucceeded),
                  Task("summary", RunStatus::kSkipped)};
  ctp::report::AddPipelineShape(pipeline, report);

  CHECK(report.pipeline == pipeline.name);
  CHECK(report.exit_handler == "notify");
  std::vector<std::string> names;
  for (const auto& step : report.steps) names.push_back(step.step);
  CHECK(names ==
        std::vector<std::string>{"greet", "count", "echo", "summary", "notify", "old-step"});
  CHECK(report.steps[2].status == RunStatus::kPending);  // echo never started
  CHECK(report.steps[1].status == RunStatus::kFailed);
  std::vector<std::pair<std::string, std::string>> edges;
  for (const auto& edge : report.edges) edges.emplace_back(edge.from, edge.to);
  CHECK(edges == std::vector<std::pair<std::string, std::string>>{
                     {"greet", "count"}, {"count", "echo"}, {"count", "summary"}});
}

TEST_CASE("report pipeline: a looped step's tasks follow their step") {
  const ctp::Pipeline pipeline = LoadHello();
  using ctp::RunStatus;
  ctp::report::RunReport report;
  report.steps = {Task("count[1]", RunStatus::kSucceeded), Task("count[0]", RunStatus::kSucceeded)};
  ctp::report::AddPipelineShape(pipeline, report);
  REQUIRE(report.steps.size() == 6);
  CHECK(report.steps[1].step == "count[1]");
  CHECK(report.steps[2].step == "count[0]");
}
