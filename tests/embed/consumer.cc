// A tool that embeds ctp: registers its own native step, loads a script from a string with a
// parameter value, inspects the pipeline and emits it for Argo.
#include <ctp/ctp.h>

#include <iostream>

int main() {
  ctp::StepRegistry registry;
  ctp::NativeStep greet;
  greet.name = "greet";
  greet.version = "1";
  greet.args = {{"who", ctp::ArgType::kString, true, std::nullopt, "whom to greet"}};
  greet.outputs = {{"greeting", ctp::ValueKind::kParameter, "the greeting"}};
  greet.run = [](ctp::StepContext& context) {
    context.WriteOutput("greeting", "hello " + context.String("who"));
  };
  registry.Register(greet);

  ctp::LoadOptions options;
  options.registry = &registry;
  ctp::AddParamAssignment(options.params, "who=embedder");
  const char* script = R"lua(
    local ctp = require "ctp"
    local params = ctp.params { who = ctp.string { default = "world" } }
    local a = ctp.steps.greet { name = "greet", who = params.who }
    local b = ctp.container { name = "show", image = "alpine:3.19", args = { a.outputs.greeting } }
    return ctp.pipeline { name = "embedded", params = params, steps = { a, b } }
  )lua";
  try {
    ctp::Pipeline pipeline = ctp::LoadPipelineFromString(script, "embedded.lua", options);
    ctp::Dag dag = ctp::Dag::Build(pipeline);
    std::cout << "pipeline " << pipeline.name << ": who=" << *pipeline.params[0].default_value;
    for (const std::string& step : dag.TopologicalOrder()) std::cout << " " << step;
    std::string yaml = ctp::EmitArgo(pipeline);
    std::cout << (yaml.find("kind: Workflow") != std::string::npos ? " argo-ok" : " argo-missing")
              << "\n";
  } catch (const ctp::Error& e) {
    std::cerr << ctp::FormatError(e);
    return 1;
  }
  return 0;
}
