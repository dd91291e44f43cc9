// KFP output, byte for byte: one golden file per feature (tests/emit/golden/*.kfp.yaml).
#include <doctest/doctest.h>

#include "ctp/emit/emit.h"
#include "golden_file.h"
#include "sample_pipelines.h"

using namespace ctp;
using namespace ctp::testing;

TEST_CASE("EmitKfp writes a container step like the KFP compiler") {
  Pipeline p;
  p.name = "echo";
  p.steps = {CommandStep("echo", 2, "alpine:3.19", {"echo", "hello world"})};
  CHECK(EmitKfp(p) ==
        "# PIPELINE DEFINITION\n"
        "# Name: echo\n"
        "components:\n"
        "  comp-echo:\n"
        "    executorLabel: exec-echo\n"
        "deploymentSpec:\n"
        "  executors:\n"
        "    exec-echo:\n"
        "      container:\n"
        "        command:\n"
        "          - echo\n"
        "          - hello world\n"
        "        image: alpine:3.19\n"
        "pipelineInfo:\n"
        "  name: echo\n"
        "root:\n"
        "  dag:\n"
        "    tasks:\n"
        "      echo:\n"
        "        cachingOptions:\n"
        "          enableCache: true\n"
        "        componentRef:\n"
        "          name: comp-echo\n"
        "        taskInfo:\n"
        "          name: echo\n"
        "schemaVersion: '2.1.0'\n"
        "sdkVersion: ctp-0.1.0\n");
}

TEST_CASE("EmitKfp golden output per feature") {
  for (const auto& sample : AllSamplePipelines()) {
    // Not structured bindings: CAPTURE's lambda cannot name one (Clang 14).
    const std::string& name = sample.first;
    const Pipeline& pipeline = sample.second;
    CAPTURE(name);
    const std::string actual = EmitKfp(pipeline);
    CHECK(actual == Golden(name + ".kfp.yaml", actual));
  }
}

TEST_CASE("EmitKfp writes the inputs header with types and defaults") {
  const std::string yaml = EmitKfp(ParamsPipeline());
  CHECK(yaml.rfind("# PIPELINE DEFINITION\n# Name: params\n# Description: Greets someone\n"
                   "# Inputs:\n#    who: str [Default: 'world']\n#    count: int [Default: 3]\n",
                   0) == 0);
}

TEST_CASE("EmitKfp writes the kubernetes platform document only when needed") {
  CHECK(EmitKfp(ParamsPipeline()).find("---\n") == std::string::npos);
  const std::string yaml = EmitKfp(VolumePipeline());
  CHECK(yaml.find("---\nplatforms:\n  kubernetes:\n") != std::string::npos);
}
