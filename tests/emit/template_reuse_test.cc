// Template reuse: the calls of one definition share one Argo template / KFP component, and each
// call passes its own values as task arguments (emit/template_reuse.h).
#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <string>

#include "ctp/emit/emit.h"
#include "sample_pipelines.h"
#include "yaml_get.h"

using namespace ctp;
using namespace ctp::testing;

namespace {

YAML::Node ArgoTask(const YAML::Node& workflow, const std::string& name) {
  return Named(Get(Named(Get(workflow, "spec", "templates"), "reuse"), "dag", "tasks"), name);
}

// `count` calls of two definitions: a native tile step on its own slide, then a component call
// that prints that tile step's count (each reads a different upstream step).
Pipeline FanOut(int count) {
  Pipeline p;
  p.name = "fan-out";
  p.location = {"test.lua", 1};
  p.ctp_image = "ghcr.io/ctp/ctp:0.1.0";
  p.params = {MakeParam("tile_size", ParamType::kInt, "256")};
  for (int i = 0; i < count / 2; ++i) {
    const std::string slide = "/data/slide-" + std::to_string(i) + ".svs";
    p.steps.push_back(TileCall("tile-" + std::to_string(i), 2, slide.c_str()));
    Step print = PrintTextCall("print-" + std::to_string(i), 3, "");
    print.command[3] = Template::Of(OutputRef("tile-" + std::to_string(i), "count"));
    p.steps.push_back(std::move(print));
  }
  return p;
}

}  // namespace

TEST_CASE("EmitArgo writes one template per definition, the calls' values as task arguments") {
  const YAML::Node workflow = YAML::Load(EmitArgo(ReusePipeline()));
  const YAML::Node templates = Get(workflow, "spec", "templates");
  REQUIRE(templates.size() == 3);  // the DAG, print-text, tile
  CHECK(Scalar(Get(templates, 1, "name")) == "print-text");
  CHECK(Scalar(Get(templates, 1, "container", "command", 3)) == "{{inputs.parameters.text}}");
  CHECK(Scalar(Get(templates, 2, "name")) == "tile");
  CHECK(Scalar(Get(templates, 2, "container", "command", 6)) == "{{inputs.parameters.slide}}");
  for (const char* task : {"print-text", "print-text-2", "print-text-3"})
    CHECK(Scalar(Get(ArgoTask(workflow, task), "template")) == "print-text");
  CHECK(Scalar(Get(Named(Get(ArgoTask(workflow, "print-text-2"), "arguments", "parameters"), "text"),
                   "value")) == "2nd");
  CHECK(Scalar(Get(ArgoTask(workflow, "tile-b"), "template")) == "tile");
  CHECK(Scalar(Get(Named(Get(ArgoTask(workflow, "tile-b"), "arguments", "parameters"), "slide"),
                   "value")) == "/data/b.svs");
  CHECK(Scalar(Get(Named(Get(ArgoTask(workflow, "tile-b"), "arguments", "parameters"), "size"),
                   "value")) == "{{workflow.parameters.tile_size}}");
}

TEST_CASE("EmitKfp writes one component per definition, the calls' values as task inputs") {
  const YAML::Node spec = YAML::Load(EmitKfp(ReusePipeline()));
  REQUIRE(Get(spec, "components").size() == 2);
  CHECK(Get(spec, "deploymentSpec", "executors").size() == 2);
  CHECK(Scalar(Get(spec, "deploymentSpec", "executors", "exec-print-text", "container", "command",
                   3)) == "{{$.inputs.parameters['text']}}");
  const YAML::Node tasks = Get(spec, "root", "dag", "tasks");
  for (const char* task : {"print-text", "print-text-2", "print-text-3"})
    CHECK(Scalar(Get(tasks, task, "componentRef", "name")) == "comp-print-text");
  CHECK(Scalar(Get(tasks, "print-text-3", "inputs", "parameters", "text", "runtimeValue",
                   "constant")) == "3rd");
  CHECK(Scalar(Get(tasks, "tile-a", "componentRef", "name")) == "comp-tile");
  CHECK(Scalar(Get(tasks, "tile-a", "inputs", "parameters", "slide", "runtimeValue",
                   "constant")) == "/data/a.svs");
  CHECK(Scalar(Get(tasks, "tile-a", "inputs", "parameters", "size", "componentInputParameter")) ==
        "tile_size");
}

TEST_CASE("A step whose template no other step shares keeps its own, named after it") {
  Pipeline p = ReusePipeline();
  p.steps.erase(p.steps.begin() + 4);  // one tile call left
  p.steps.erase(p.steps.begin() + 1, p.steps.begin() + 3);
  const YAML::Node templates = Get(YAML::Load(EmitArgo(p)), "spec", "templates");
  REQUIRE(templates.size() == 3);
  CHECK(Scalar(Get(templates, 1, "name")) == "print-text");
  CHECK(Scalar(Get(templates, 1, "container", "command", 3)) == "1st");
  CHECK(Scalar(Get(templates, 2, "name")) == "tile-a");
  CHECK(Scalar(Get(templates, 2, "container", "command", 6)) == "/data/a.svs");
}

TEST_CASE("A shared template takes no other step's name and no name of a sub-pipeline's templates") {
  Pipeline p = ReusePipeline();
  // A sub-pipeline step named like the tile calls' definition: its DAG template is `tile` and its
  // inner templates `tile-...`, so the shared tile template is `shared1-tile`.
  Pipeline sub = SubPipelinePipeline();
  Step tile_pipeline = sub.steps[1];
  tile_pipeline.name = "tile";
  tile_pipeline.inputs[0].value = Template::Of("x.svs");
  p.steps.push_back(tile_pipeline);
  const YAML::Node workflow = YAML::Load(EmitArgo(p));
  std::set<std::string> names;
  for (const YAML::Node& node : Get(workflow, "spec", "templates"))
    CHECK(names.insert(Scalar(Get(node, "name"))).second);  // no name twice
  CHECK(names.count("shared1-tile"));
  CHECK(Scalar(Get(ArgoTask(workflow, "tile-a"), "template")) == "shared1-tile");
  CHECK(Scalar(Get(ArgoTask(workflow, "tile"), "template")) == "tile");
  CHECK(names.count("tile-tile"));  // the sub-pipeline's inner step
  // Task `print-text` runs the template `print-text` that its group shares: that is not a clash.
  CHECK(Scalar(Get(ArgoTask(workflow, "print-text-3"), "template")) == "print-text");
}

TEST_CASE("2,000 calls of two definitions emit two templates, well under Argo's 1 MB object") {
  const Pipeline p = FanOut(2000);
  const std::string argo = EmitArgo(p);
  const YAML::Node templates = Get(YAML::Load(argo), "spec", "templates");
  REQUIRE(templates.size() == 3);  // the DAG, tile, print-text
  CHECK(Scalar(Get(templates, 1, "name")) == "tile");
  CHECK(Scalar(Get(templates, 2, "name")) == "print-text");
  CHECK(Scalar(Get(templates, 2, "container", "command", 3)) == "{{inputs.parameters.text}}");
  CHECK(argo.size() < 600'000);
  const std::string kfp = EmitKfp(p);
  CHECK(Get(YAML::Load(kfp), "components").size() == 2);
  CHECK(kfp.size() < 900'000);
}

// The shape of bench/support/generated_pipeline.h (and bench/peers/emit_vs_kfp.py): hand-written
// container steps, step i reading steps i-1 and i/2, every tenth conditional with a retry.
TEST_CASE("The 2,000-step benchmark pipeline emits one template per kind of step, under 1 MB") {
  Pipeline p;
  p.name = "generated";
  p.location = {"test.lua", 1};
  p.params = {MakeParam("size", ParamType::kInt, "3"), MakeParam("mode", ParamType::kString, "fast")};
  auto readable = [](int j) { return j % 10 == 0 ? j - 1 : j; };
  for (int i = 1; i <= 2000; ++i) {
    Step step = CommandStep("step-" + std::to_string(i), i + 1, "alpine:3.19", {"sh", "-c"});
    step.args.push_back(Template::Of("echo"));
    if (i == 1) {
      WithArg(step, ParamRef("size"));
    } else {
      WithArg(step, OutputRef("step-" + std::to_string(readable(i - 1)), "out"));
      WithArg(step, OutputRef("step-" + std::to_string(readable(std::max(1, i / 2))), "out"));
    }
    step.args.push_back(Template::Of(OutputPathRef("out")));
    WithOutput(step, "out");
    if (i % 10 == 0) {
      step.when = Compare(Condition::Op::kEq, Template::Of(ParamRef("mode")), Template::Of("fast"));
      step.retry = Retry{2, std::nullopt, std::chrono::seconds(5), 2.0, {}};
    }
    p.steps.push_back(std::move(step));
  }
  const std::string argo = EmitArgo(p);
  const YAML::Node templates = Get(YAML::Load(argo), "spec", "templates");
  // The DAG, step-1 (reads a parameter), step-2 (reads step-1's output twice: one input), `step`
  // (reads two outputs) and `step-shared` (that, with the retry of every tenth step).
  CHECK(templates.size() == 5);
  CHECK(argo.size() < 1'000'000);
  const std::string kfp = EmitKfp(p);
  MESSAGE("generated 2000: Argo ", templates.size(), " templates, ", argo.size(), " bytes; KFP ",
          Get(YAML::Load(kfp), "components").size(), " components, ", kfp.size(), " bytes");
}
