// ctp.load_component: the v1 and v2 KFP component specs in tests/interpreter/kfp_components/
// become container steps with the placeholders resolved against the inputs each call gives, and
// the pipeline using them emits Argo and KFP YAML that the shared validators accept.
#include <doctest/doctest.h>

#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "ctp/model/diagnostic.h"
#include "ctp/emit/emit.h"
#include "ctp/interpreter/script.h"
#include "ctp/native/builtin_steps.h"
#include "ctp/step/step_registry.h"
#include "test_paths.h"
#include "validators.h"

using namespace ctp;

namespace {

Pipeline LoadComponentsPipeline() {
  RegisterBuiltinSteps(StepRegistry::Default());
  return LoadPipeline(testing::SourcePath("tests/interpreter/kfp_components/pipeline.lua"));
}

// A template as text, references written as <kind:name>.
std::string Render(const Template& value) {
  std::string out;
  for (const Template::Part& part : value.parts) {
    if (!part.ref) {
      out += part.text;
      continue;
    }
    switch (part.ref->kind) {
      case Ref::Kind::kParam:
        out += "<param:" + part.ref->name + ">";
        break;
      case Ref::Kind::kStepOutput:
        out += "<" + part.ref->step + "." + part.ref->name + ">";
        break;
      case Ref::Kind::kOutputPath:
        out += "<output_path:" + part.ref->name + ">";
        break;
      case Ref::Kind::kWorkflowName:
        out += "<workflow_name>";
        break;
      default:
        out += "<other>";
    }
  }
  return out;
}

std::vector<std::string> Render(const std::vector<Template>& values) {
  std::vector<std::string> out;
  for (const Template& value : values) out.push_back(Render(value));
  return out;
}

std::string Kinds(const Step& step) {
  std::string out;
  for (const Output& output : step.outputs)
    out += output.name + ":" + ValueKindName(output.kind) + " ";
  return out;
}

// Loads a one-step pipeline calling the factory of `spec` (relative to kfp_components/) with
// `call`; returns the diagnostic text, or "(no error)".
std::string LoadError(const std::string& spec, const std::string& call) {
  const std::string source = "local ctp = require 'ctp'\nlocal c = ctp.load_component '" + spec +
                             "'\nlocal s = c " + call +
                             "\nreturn ctp.pipeline { name = 'p', steps = { s } }\n";
  try {
    LoadPipelineFromString(source, testing::SourcePath("tests/interpreter/kfp_components/t.lua"));
  } catch (const Error& e) {
    std::string text = FormatError(e, /*show_source=*/false);
    return text.substr(text.find("error: ") + 7);
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("a v1 component.yaml becomes a container step with its placeholders resolved") {
  Pipeline p = LoadComponentsPipeline();
  REQUIRE(p.steps.size() == 3);
  const Step& train = p.steps[1];
  CHECK(train.name == "train-classifier");  // from the component's name
  CHECK(train.kind == Step::Kind::kContainer);
  CHECK(train.image == "python:3.11-slim");
  CHECK(train.description == "Trains a classifier on a CSV table.");
  CHECK(train.location.line == 16);  // the factory call in pipeline.lua
  CHECK(Render(train.command) == std::vector<std::string>{"python3", "-m", "trainer"});
  CHECK(Render(train.args) ==
        std::vector<std::string>{"--training-data", "<fetch.table>",  // optional path: absent
                                 "--label-column", "0",               // the default
                                 "--learning-rate=0.05",              // {concat}, given by name
                                 "--epochs", "<param:epochs>",
                                 "--verbose",                       // {if: {inputValue}} true
                                 "--model", "<output_path:model>",  // run name: absent
                                 "--accuracy", "<output_path:accuracy>", "--metrics",
                                 "<output_path:mlpipeline_metrics>"});
  CHECK(Kinds(train) == "accuracy:parameter mlpipeline_metrics:metrics model:artifact ");
  CHECK(train.outputs[2].doc == "The trained model");
  REQUIRE(train.env.size() == 1);
  CHECK(train.env[0].name == "PYTHONUNBUFFERED");
  CHECK(Render(train.env[0].value) == "1");
  REQUIRE(train.retry);  // step fields pass through
  CHECK(train.retry->limit == 2);
}

TEST_CASE("a v2 IR component becomes a container step with its placeholders resolved") {
  Pipeline p = LoadComponentsPipeline();
  const Step& summary = p.steps[2];
  CHECK(summary.name == "summary");
  CHECK(summary.image == "alpine:3.19");
  CHECK(Render(summary.command) == std::vector<std::string>{"summarize"});
  CHECK(Render(summary.args) ==
        std::vector<std::string>{"--model", "<train-classifier.model>",
                                 "--accuracy=<train-classifier.accuracy>",
                                 "--title=report-<workflow_name>",  // Concat with the default
                                 "--no-notes",                      // IfPresent's Else
                                 "--threshold", "0.5", "--report", "<output_path:report>",
                                 "--passed", "<output_path:passed>"});
  CHECK(Kinds(summary) == "passed:parameter report:artifact ");
}

TEST_CASE("a pipeline of KFP components emits Argo and KFP YAML the validators accept") {
  Pipeline p = LoadComponentsPipeline();
  testing::TempDir dir("kfp_components");
  testing::CheckArgoValid(dir, dir.Write("components.argo.yaml", EmitArgo(p)));
  testing::CheckKfpValid(dir, dir.Write("components.kfp.yaml", EmitKfp(p)));
}

TEST_CASE("inputs are checked when the factory is called") {
  const std::string train = "train_v1.yaml";
  const std::string path = testing::SourcePath("tests/interpreter/kfp_components/train_v1.yaml");
  const std::string component = "component 'Train classifier' (" + path + "): ";
  const std::string table =
      "ctp.container { name = 'f', image = 'a', outputs = { t = 'artifact' } }";
  CHECK(LoadError(train, "{ epochs = 1 }") ==
        component + "missing required input 'training_data'\n");
  CHECK(LoadError(train, "{ training_data = " + table + ".outputs.t, epocs = 1 }") ==
        component + "unknown input 'epocs' (did you mean 'epochs'?)\n");
  CHECK(LoadError(train, "{ training_data = " + table + ".outputs.t, epochs = 'ten' }") ==
        component + "input 'epochs' is an Integer (a Lua integer), got 'ten'\n");
  CHECK(LoadError(train, "{ training_data = 'data.csv', epochs = 1 }") ==
        component +
            "input 'training_data' is a file (an artifact): give it an output of another "
            "step (step.outputs.NAME), got a string\n");
  CHECK(LoadError(train, "({ epochs = 1 }, 'train')") ==
        "component 'Train classifier': the second argument must be a table of step fields, got a "
        "string\n");
  CHECK(LoadError(train, "{ training_data = " + table + ".outputs.t, epochs = 1, env = 'X' }") ==
        "field 'env' must be a table of name = value, got a string\n");
  CHECK(LoadError("summarize_v2.yaml", "{ model = " + table + ".outputs.t, accuracy = true }") ==
        "component 'summarize-model' (" +
            testing::SourcePath("tests/interpreter/kfp_components/summarize_v2.yaml") +
            "): input 'accuracy' is a Float (a number), got a boolean\n");
}

namespace {

// Writes `spec` as component.yaml in a temporary folder and loads a script there that calls
// its factory with `call`; returns the pipeline, or throws ctp::Error.
Pipeline LoadInline(const testing::TempDir& dir, const std::string& spec, const std::string& call) {
  dir.Write("component.yaml", spec);
  const std::string source =
      "local ctp = require 'ctp'\n"
      "local c = ctp.load_component 'component.yaml'\n"
      "local src = ctp.container { name = 'src', image = 'a', "
      "outputs = { f = 'artifact' } }\n"
      "return ctp.pipeline { name = 'p', steps = { src, c " +
      call + " } }\n";
  return LoadPipelineFromString(source, (dir.path / "p.lua").string());
}

std::string InlineError(const std::string& spec, const std::string& call = "{}") {
  testing::TempDir dir("kfp_inline");
  try {
    LoadInline(dir, spec, call);
  } catch (const Error& e) {
    std::string text = FormatError(e, /*show_source=*/false);
    std::size_t at = text.find(dir.path.string());
    while (at != std::string::npos) {
      text.replace(at, dir.path.string().size(), "DIR");
      at = text.find(dir.path.string());
    }
    return text.substr(text.find("error: ") + 7);
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("v1 fileOutputs, typed properties, exact input names and step options") {
  testing::TempDir dir("kfp_inline");
  Pipeline p =
      LoadInline(dir, R"(name: 3D Render
inputs:
- {name: Scene file, type: {GCSPath: {data_type: OBJ}}}
- {name: name, type: String}
outputs:
- {name: Frame count, type: Integer}
- {name: 2nd pass}
implementation:
  container:
    image: render:1
    command: [render, {inputPath: Scene file}, {inputValue: name}]
    fileOutputs:
      Frame count: /out/frames.txt
)",
                 R"(({ ["Scene file"] = src.outputs.f, name = "hero" }, { name = "render" }))");
  const Step& step = p.steps[1];
  CHECK(step.name == "render");  // from the options table: `name` is an input here
  CHECK(Render(step.command) == std::vector<std::string>{"render", "<src.f>", "hero"});
  REQUIRE(step.outputs.size() == 2);
  CHECK(step.outputs[0].name == "_2nd_pass");
  CHECK(step.outputs[0].kind == ValueKind::kArtifact);
  CHECK(step.outputs[1].name == "frame_count");
  CHECK(step.outputs[1].kind == ValueKind::kParameter);
  CHECK(step.outputs[1].path == "/out/frames.txt");
}

TEST_CASE("a file input's default is not passed as a path") {
  const std::string spec =
      "name: D\ninputs:\n- {name: Data, default: 'a,b'}\n- {name: Extra, default: x, optional: "
      "true}\nimplementation:\n  container:\n    image: a\n    args: [{inputPath: Data}, "
      "{inputPath: Extra}]\n";
  CHECK(InlineError(spec) ==
        "component 'D' (DIR/component.yaml): missing required input 'data' (a file: its default "
        "text is not used)\n");
  testing::TempDir dir("kfp_inline");
  CHECK(Render(LoadInline(dir, spec, "{ data = src.outputs.f }").steps[1].args) ==
        std::vector<std::string>{"<src.f>"});
}

TEST_CASE("specs ctp cannot run are refused with the file and line") {
  CHECK(InlineError("name: G\nimplementation:\n  graph: {tasks: {}}\n") ==
        "ctp.load_component: DIR/component.yaml:3: graph components (implementation.graph) are "
        "not supported: ctp loads container components\n");
  CHECK(InlineError("name: U\ninputs:\n- {name: D}\nimplementation:\n  container:\n    image: a\n"
                    "    args: [{inputUri: D}]\n") ==
        "ctp.load_component: DIR/component.yaml:7: unknown placeholder 'inputUri' (ctp supports "
        "inputValue, inputPath, outputPath, concat, if, isPresent)\n");
  CHECK(InlineError("name: K\ninputs:\n- {name: Data}\n- {name: data}\nimplementation:\n"
                    "  container: {image: a}\n") ==
        "ctp.load_component: DIR/component.yaml:1: 'Data' and 'data' would both be called 'data' "
        "in Lua: rename one\n");
  CHECK(InlineError("components:\n  comp-a: {executorLabel: exec-a}\n  comp-b: {executorLabel: "
                    "exec-b}\ndeploymentSpec: {executors: {}}\n") ==
        "ctp.load_component: DIR/component.yaml:2: a v2 component spec must hold exactly one "
        "component in 'components' (found 2): ctp loads single components\n");
  CHECK(InlineError("components:\n  comp-a: {executorLabel: exec-a}\ndeploymentSpec:\n"
                    "  other: {}\n") ==
        "ctp.load_component: DIR/component.yaml:2: no executor 'exec-a' in "
        "deploymentSpec.executors\n");
  CHECK(InlineError("name: S\nimplementation: a container\n") ==
        "ctp.load_component: DIR/component.yaml:2: the component spec does not have the shape of a "
        "KFP component: operator[] call on a scalar (key: \"graph\")\n");
  CHECK(InlineError("- just\n- a list\n") ==
        "ctp.load_component: DIR/component.yaml: a component spec must be a YAML map (a v1 "
        "component.yaml with 'implementation', or a v2 IR YAML with 'deploymentSpec')\n");
}

TEST_CASE("a v2 component without pipelineInfo is named after its component") {
  testing::TempDir dir("kfp_no_pipeline_info");
  const Pipeline p = LoadInline(dir,
                                "components:\n  comp-echo-text:\n    executorLabel: exec-echo\n"
                                "deploymentSpec:\n  executors:\n    exec-echo:\n"
                                "      container: {image: alpine, command: [echo]}\n",
                                "{}");
  CHECK(p.steps[1].name == "echo-text");
}

TEST_CASE("an {if} on an input value is decided when the script loads") {
  const std::string spec =
      "name: F\ninputs:\n- {name: Flag, type: Boolean, optional: true}\nimplementation:\n"
      "  container:\n    image: a\n    args:\n    - if:\n        cond: {inputValue: Flag}\n"
      "        then: [--on]\n        else: [--off]\n";
  testing::TempDir dir("kfp_inline");
  CHECK(Render(LoadInline(dir, spec, "{ flag = true }").steps[1].args) ==
        std::vector<std::string>{"--on"});
  CHECK(Render(LoadInline(dir, spec, "{ flag = false }").steps[1].args) ==
        std::vector<std::string>{"--off"});
  CHECK(Render(LoadInline(dir, spec, "{}").steps[1].args) == std::vector<std::string>{"--off"});
  CHECK(InlineError(spec, "{ flag = src.outputs.f }") ==
        "component 'F' (DIR/component.yaml): the condition of an {if} placeholder must be known "
        "when the pipeline is built (true/false, or isPresent), got a value known only at run "
        "time\n");
}

TEST_CASE("KFP's own loader reads every component spec here and names outputs as ctp does") {
  if (testing::RunCommand("python3 -c 'import kfp.components' > /dev/null 2>&1") != 0) {
    std::cout << "SKIPPED: KFP loader check (pip install -r deps/python-test-requirements.txt)\n";
    return;
  }
  auto output_names = [](const Step& step) {
    std::string out;
    for (const Output& output : step.outputs) out += (out.empty() ? "" : " ") + output.name;
    return out + "\n";
  };
  const std::string fixtures = testing::SourcePath("tests/interpreter/kfp_components/");
  const std::string library = testing::SourcePath("scripts/components/");
  const std::vector<std::string> specs = {
      fixtures + "train_v1.yaml", fixtures + "summarize_v2.yaml",
      library + "download/component.yaml", library + "csv_summary/component.yaml",
      library + "publish_report/component.yaml"};
  Pipeline tests = LoadComponentsPipeline();
  Pipeline example = LoadPipeline(testing::SourcePath("scripts/kfp_components.lua"));
  const std::string expected = output_names(tests.steps[1]) + output_names(tests.steps[2]) +
                               output_names(example.steps[0]) + output_names(example.steps[1]) +
                               output_names(example.steps[3]);

  // One Python process (importing kfp is slow): each spec's output names, sorted, one a line.
  testing::TempDir dir("kfp_loader");
  std::string command =
      "python3 -c 'import sys; from kfp import components\n"
      "for path in sys.argv[1:]: print(\" \".join(sorted("
      "components.load_component_from_file(path).component_spec.outputs or {})))'";
  for (const std::string& spec : specs) command += " '" + spec + "'";
  const std::string names = (dir.path / "names.txt").string();
  CHECK(testing::RunCommand(command + " > '" + names + "' 2>&1") == 0);
  std::ifstream in(names);
  std::string printed((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(printed == expected);
}
