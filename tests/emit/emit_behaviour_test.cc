// Emitter behaviour shared by Argo and KFP: determinism and errors with their exact text.
#include <doctest/doctest.h>

#include "ctp/model/diagnostic.h"
#include "ctp/emit/emit.h"
#include "emit_error.h"
#include "sample_pipelines.h"
#include "yaml_get.h"

using namespace ctp;
using namespace ctp::testing;

TEST_CASE("emitters are deterministic: the same pipeline gives the same bytes") {
  for (const auto& sample : AllSamplePipelines()) {
    // Not structured bindings: CAPTURE's lambda cannot name one (Clang 14).
    const std::string& name = sample.first;
    const Pipeline& pipeline = sample.second;
    CAPTURE(name);
    CHECK(EmitArgo(pipeline) == EmitArgo(pipeline));
    CHECK(EmitKfp(pipeline) == EmitKfp(pipeline));
    const Pipeline copy = pipeline;
    CHECK(EmitArgo(copy) == EmitArgo(pipeline));
  }
}

TEST_CASE("KFP refuses a step's result (what it prints) where the script reads it") {
  CHECK(ErrorOf([] { EmitKfp(ResultPipeline()); }) ==
        "test.lua:5: error: step 'pick': KFP has no value for what a step prints (pick.result, "
        "Argo's outputs.result); write the value to a file output instead (outputs = { value = "
        "\"parameter\" } and ctp.output_path(\"value\")) to emit for KFP\n");
}

TEST_CASE("a CronWorkflow needs a schedule") {
  Pipeline p = ParamsPipeline();
  EmitOptions options;
  options.kind = EmitOptions::Kind::kCron;
  CHECK(ErrorOf([&] { EmitArgo(p, options); }) ==
        "test.lua:1: error: pipeline 'params': a CronWorkflow needs a schedule: add `schedule = "
        "{ cron = \"0 2 * * *\" }` to ctp.pipeline, or emit `--kind template` for the "
        "WorkflowTemplate alone\n");
  options.kind = EmitOptions::Kind::kAll;
  CHECK(ErrorOf([&] { EmitArgo(p, options); }) ==
        "test.lua:1: error: pipeline 'params': a CronWorkflow needs a schedule: add `schedule = "
        "{ cron = \"0 2 * * *\" }` to ctp.pipeline, or emit `--kind template` for the "
        "WorkflowTemplate alone\n");
}

TEST_CASE("a CronWorkflow name has at most 52 characters") {
  Pipeline p = ScheduledPipeline({"0 2 * * *"});
  EmitOptions options;
  options.kind = EmitOptions::Kind::kCron;
  p.name = std::string(52, 'a');
  CHECK(EmitArgo(p, options).find("name: " + p.name + "\n") != std::string::npos);
  p.name = std::string(53, 'a');
  const std::string expected = "test.lua:1: error: pipeline '" + p.name +
                               "': a CronWorkflow name has at most 52 characters (this one has "
                               "53), because Argo appends the run's timestamp to it\n";
  CHECK(ErrorOf([&] { EmitArgo(p, options); }) == expected);
  options.kind = EmitOptions::Kind::kAll;
  CHECK(ErrorOf([&] { EmitArgo(p, options); }) == expected);
  options.kind = EmitOptions::Kind::kTemplate;
  CHECK(ErrorOf([&] { EmitArgo(p, options); }) == "no error");
}

TEST_CASE("an Argo 3 CronWorkflow takes one schedule") {
  Pipeline p = ScheduledPipeline({"0 2 * * *", "0 14 * * *"});
  EmitOptions options;
  options.kind = EmitOptions::Kind::kCron;
  options.argo_major_version = 3;
  CHECK(ErrorOf([&] { EmitArgo(p, options); }) ==
        "test.lua:9: error: pipeline 'nightly' has 2 schedules, but an Argo 3 CronWorkflow takes "
        "one (target Argo 4 for several)\n");
  options.argo_major_version = 4;
  CHECK(EmitArgo(p, options).find("    - 0 14 * * *\n") != std::string::npos);
}

TEST_CASE("native and Lua steps need a ctp image") {
  Pipeline p = NativeLuaPipeline();
  p.ctp_image.clear();
  CHECK(ErrorOf([&] { EmitArgo(p); }) ==
        "test.lua:2: error: native step 'tile' runs in the ctp image, but none is set (set "
        "ctp_image on the pipeline or pass --image to ctp emit)\n");
}

TEST_CASE("a container step needs an image") {
  Pipeline p;
  p.name = "p";
  p.steps = {ContainerStep("bare", 4, "")};
  CHECK(ErrorOf([&] { EmitKfp(p); }) ==
        "test.lua:4: error: container step 'bare' has no image (set one on the step or the "
        "pipeline)\n");
}

TEST_CASE("Argo cannot collect the artifacts of a loop") {
  Pipeline p;
  p.name = "p";
  Step make = CommandStep("make", 2, "alpine:3.19", {"true"});
  WithOutput(make, "data", ValueKind::kArtifact);
  make.loop = Loop{{"1", "2"}, std::nullopt, 0};
  Step use = CommandStep("use", 3, "alpine:3.19", {"cat"});
  WithArg(use, OutputRef("make", "data"));
  p.steps = {make, use};
  CHECK(ErrorOf([&] { EmitArgo(p); }) ==
        "test.lua:3: error: step 'use' reads artifact 'data' of looped step 'make': Argo cannot "
        "collect the artifacts of a loop (write them to a volume instead)\n");
}

TEST_CASE("KFP gives the pipeline status only to the exit handler") {
  Pipeline p;
  p.name = "p";
  Step report = CommandStep("report", 2, "alpine:3.19", {"echo"});
  WithArg(report, StatusRef());
  p.steps = {report};
  CHECK(ErrorOf([&] { EmitKfp(p); }) ==
        "test.lua:2: error: step 'report' reads the pipeline status, which KFP gives only to the "
        "exit handler\n");
  CHECK(EmitArgo(p).find("- \"{{workflow.status}}\"") != std::string::npos);
}

TEST_CASE("a sub-pipeline's own exit handler is refused by both emitters") {
  Pipeline p = SubPipelinePipeline();
  auto inner = std::make_shared<Pipeline>(*p.steps[1].pipeline);
  inner->on_exit = CommandStep("cleanup", 7, "alpine:3.19", {"echo", "done"});
  inner->on_exit->location = {"inner.lua", 7};
  p.steps[1].pipeline = inner;
  const std::string expected =
      "test.lua:3: error: sub-pipeline step 'pre' runs pipeline 'preprocess', which has its own "
      "exit handler 'cleanup' (inner.lua:7): a cluster runs only the exit handler of the pipeline "
      "being emitted (declare it there)\n";
  CHECK(ErrorOf([&] { EmitArgo(p); }) == expected);
  CHECK(ErrorOf([&] { EmitKfp(p); }) == expected);
  // The same pipeline emitted on its own keeps its exit handler.
  CHECK(EmitArgo(*inner).find("onExit: cleanup") != std::string::npos);
}

TEST_CASE("KFP writes a read-only mount read-write: kfp-kubernetes' PvcMount has no such field") {
  // kfp-kubernetes 2.17 PvcMount: constant, task_output_parameter, component_input_parameter,
  // pvc_name_parameter, mount_path, sub_path. Argo keeps the mount read-only.
  const Pipeline p = VolumePipeline();
  const std::string argo = EmitArgo(p);
  const std::string kfp = EmitKfp(p);
  std::size_t read_only = 0;
  for (std::size_t at = argo.find("readOnly: true"); at != std::string::npos;
       at = argo.find("readOnly: true", at + 1))
    ++read_only;
  CHECK(read_only == 3);
  CHECK(kfp.find("pvcMount") != std::string::npos);
  CHECK(kfp.find("readOnly") == std::string::npos);
  CHECK(kfp.find("read_only") == std::string::npos);
}

TEST_CASE("Argo refuses a sub-pipeline output that puts an artifact into text") {
  Pipeline p = SubPipelineArtifactPipeline();
  auto inner = std::make_shared<Pipeline>(*p.steps[0].pipeline);
  inner->outputs["file"] = Text({"zip at ", OutputRef("zip", "archive")});
  p.steps[0].pipeline = inner;
  CHECK(ErrorOf([&] { EmitArgo(p); }) ==
        "inner.lua:1: error: pipeline 'package': output 'file' puts artifact 'archive' of step "
        "'zip' into text, but Argo passes an artifact only whole (make the output exactly that "
        "step output)\n");
  CHECK(ErrorOf([&] { EmitKfp(p); }) ==
        "inner.lua:1: error: pipeline 'package': KFP pipeline output 'file' must be one step "
        "output\n");
}

TEST_CASE("Argo refuses a fractional retry backoff factor (it reads a whole number)") {
  Pipeline p = RetryPipeline();
  p.steps[2].retry->backoff_factor = 1.5;
  CHECK(ErrorOf([&] { EmitArgo(p); }) ==
        "test.lua:4: error: step 'patient': Argo's retry backoff factor is a whole number, not 1.5 "
        "(ctp run and KFP take fractions; Argo would fail the retry)\n");
  CHECK_NOTHROW(EmitKfp(p));
}

TEST_CASE("max_backoff caps each retry delay: Argo 4's cap; refused by Argo 3 and KFP") {
  Pipeline p = RetryPipeline();
  p.steps[0].retry->backoff_max = std::chrono::seconds(300);
  const YAML::Node backoff = Get(YAML::Load(EmitArgo(p)), "spec", "templates", 1, "retryStrategy",
                                 "backoff");
  CHECK(Scalar(Get(backoff, "cap")) == "300s");
  CHECK_FALSE(backoff["maxDuration"]);
  EmitOptions argo3;
  argo3.argo_major_version = 3;
  CHECK(ErrorOf([&] { EmitArgo(p, argo3); }) ==
        "test.lua:2: error: step 'flaky': Argo 3 cannot cap a retry's delay (max_backoff; its "
        "maxDuration, ctp's max_duration, limits the whole retrying time instead): emit for Argo "
        "4 or leave max_backoff out\n");
  CHECK(ErrorOf([&] { EmitKfp(p); }) ==
        "test.lua:2: error: step 'flaky': KFP cannot cap a retry's delay (max_backoff): its "
        "backoffMaxDuration limits the whole time spent retrying, which would stop retries ctp "
        "run and Argo make (that limit is max_duration)\n");
}

TEST_CASE("KFP refuses a retry policy other than OnFailure (its backend retries failures only)") {
  Pipeline p = RetryPipeline();
  p.steps[0].retry->policy = "Always";
  CHECK(ErrorOf([&] { EmitKfp(p); }) ==
        "test.lua:2: error: step 'flaky': KFP retries a task only when it fails (OnFailure), so "
        "retry policy 'Always' would retry differently there (leave policy out, or use "
        "OnFailure)\n");
  CHECK(ErrorOf([&] { EmitArgo(p); }) == "no error");
}
