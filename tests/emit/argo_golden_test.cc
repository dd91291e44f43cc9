// Argo output, byte for byte: one golden file per feature (tests/emit/golden/*.argo.yaml).
#include <doctest/doctest.h>

#include "ctp/emit/emit.h"
#include "golden_file.h"
#include "sample_pipelines.h"

using namespace ctp;
using namespace ctp::testing;

TEST_CASE("EmitArgo writes a container step with its inputs passed as template parameters") {
  Pipeline p;
  p.name = "hello";
  p.params = {MakeParam("who", ParamType::kString, "world")};
  Step say = CommandStep("say", 2, "alpine:3.19", {"echo"});
  say.args = {Text({"hello ", ParamRef("who")})};
  p.steps = {say};
  CHECK(EmitArgo(p) ==
        "apiVersion: argoproj.io/v1alpha1\n"
        "kind: Workflow\n"
        "metadata:\n"
        "  generateName: hello-\n"
        "spec:\n"
        "  entrypoint: hello\n"
        "  arguments:\n"
        "    parameters:\n"
        "      - name: who\n"
        "        value: world\n"
        "  podGC:\n"
        "    strategy: OnPodSuccess\n"
        "  ttlStrategy:\n"
        "    secondsAfterCompletion: 86400\n"
        "  templates:\n"
        "    - name: hello\n"
        "      dag:\n"
        "        tasks:\n"
        "          - name: say\n"
        "            template: say\n"
        "            arguments:\n"
        "              parameters:\n"
        "                - name: who\n"
        "                  value: \"{{workflow.parameters.who}}\"\n"
        "    - name: say\n"
        "      inputs:\n"
        "        parameters:\n"
        "          - name: who\n"
        "      container:\n"
        "        image: alpine:3.19\n"
        "        command:\n"
        "          - echo\n"
        "        args:\n"
        "          - hello {{inputs.parameters.who}}\n");
}

TEST_CASE("EmitArgo golden output per feature") {
  for (const auto& sample : AllSamplePipelines()) {
    // Not structured bindings: CAPTURE's lambda cannot name one (Clang 14).
    const std::string& name = sample.first;
    const Pipeline& pipeline = sample.second;
    CAPTURE(name);
    const std::string actual = EmitArgo(pipeline);
    CHECK(actual == Golden(name + ".argo.yaml", actual));
  }
}

TEST_CASE("EmitArgo reads a step's result as Argo's outputs.result, and declares no output for it") {
  const std::string actual = EmitArgo(ResultPipeline());
  CHECK(actual == Golden("result.argo.yaml", actual));
}

TEST_CASE("EmitArgo writes WorkflowTemplates and CronWorkflows for Argo 3 and 4") {
  const Pipeline p = ScheduledPipeline();
  EmitOptions options;
  options.kind = EmitOptions::Kind::kTemplate;
  std::string actual = EmitArgo(p, options);
  CHECK(actual == Golden("nightly-template.argo.yaml", actual));
  options.kind = EmitOptions::Kind::kCron;
  actual = EmitArgo(p, options);
  CHECK(actual == Golden("nightly-cron4.argo.yaml", actual));
  CHECK(actual.find("  schedules:\n    - 0 2 * * *\n") != std::string::npos);
  options.argo_major_version = 3;
  actual = EmitArgo(p, options);
  CHECK(actual == Golden("nightly-cron3.argo.yaml", actual));
  CHECK(actual.find("  schedule: 0 2 * * *\n") != std::string::npos);
  options.kind = EmitOptions::Kind::kAll;
  options.argo_major_version = 4;
  actual = EmitArgo(p, options);
  CHECK(actual == Golden("nightly-all.argo.yaml", actual));
  CHECK(actual.find("kind: WorkflowTemplate\n") < actual.find("---\n"));
  CHECK(actual.find("---\n") < actual.find("kind: CronWorkflow\n"));
}

TEST_CASE("EmitArgo uses the ctp image option for native and Lua steps") {
  EmitOptions options;
  options.ctp_image = "registry.local/ctp:dev";
  const std::string yaml = EmitArgo(NativeLuaPipeline(), options);
  CHECK(yaml.find("image: registry.local/ctp:dev") != std::string::npos);
  CHECK(yaml.find("ghcr.io/ctp/ctp:0.1.0") == std::string::npos);
}
