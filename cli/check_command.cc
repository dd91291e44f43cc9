// ctp check SCRIPT: validate a pipeline and print one line per step.
#include <fmt/format.h>

#include <iostream>
#include <string_view>
#include <unordered_map>

#include "cli.h"
#include "ctp/model/dag.h"

namespace ctp::cli {
namespace {

std::string StepDetail(const Pipeline& pipeline, const Step& step) {
  switch (step.kind) {
    case Step::Kind::kContainer:
      return step.image.empty() ? pipeline.image : step.image;
    case Step::Kind::kLua:
      return "function";
    case Step::Kind::kNative:
      return step.native;
    case Step::Kind::kPipeline:
      return step.pipeline ? "pipeline " + step.pipeline->name : "";
  }
  return {};
}

std::string StepLine(const Pipeline& pipeline, const Dag* dag, const Step& step, bool on_exit) {
  std::string line = fmt::format("  {:<20} {:<9} {}", step.name,
                                 step.IsScript() ? "script" : StepKindName(step.kind),
                                 StepDetail(pipeline, step));
  std::vector<std::string> notes;
  if (dag && !on_exit) {
    std::vector<std::string> upstream = dag->Upstream(step.name);
    if (!upstream.empty()) notes.push_back("after " + fmt::format("{}", fmt::join(upstream, ", ")));
  }
  if (on_exit) notes.push_back("on exit");
  if (step.loop) notes.push_back("for each");
  if (step.when) notes.push_back("when");
  if (step.resources.gpu_count > 0)
    notes.push_back(fmt::format("{} gpu", step.resources.gpu_count));
  if (!notes.empty()) line += fmt::format("  ({})", fmt::join(notes, "; "));
  return line + "\n";
}

}  // namespace

Command AddCheckCommand(CLI::App& app) {
  auto options = std::make_shared<ScriptOptions>();
  CLI::App* command = app.add_subcommand("check", "validate a pipeline script and list its steps");
  options->AddTo(*command);
  return [options] {
    Pipeline pipeline = options->Load();
    Dag dag = Dag::Build(pipeline);
    std::string out =
        fmt::format("{}: pipeline '{}': {} step{}, {} parameter{}\n", options->script,
                    pipeline.name, pipeline.steps.size(), pipeline.steps.size() == 1 ? "" : "s",
                    pipeline.params.size(), pipeline.params.size() == 1 ? "" : "s");
    std::unordered_map<std::string_view, const Step*> steps;  // Pipeline::FindStep is a scan
    for (const Step& step : pipeline.steps) steps.emplace(step.name, &step);
    for (const std::string& name : dag.TopologicalOrder())
      out += StepLine(pipeline, &dag, *steps.at(name), false);
    if (pipeline.on_exit) out += StepLine(pipeline, nullptr, *pipeline.on_exit, true);
    std::cout << out;
    return kOk;
  };
}

}  // namespace ctp::cli
