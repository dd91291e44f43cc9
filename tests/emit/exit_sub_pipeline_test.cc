// An exit handler that is a sub-pipeline: Argo's onExit names the DAG template of its tasks, with
// the status and parameters passed in as the template's own input values; KFP's exit task is the
// sub-pipeline's DAG component after `exit-handler-1`, its status input a task final status.
#include <doctest/doctest.h>

#include "ctp/emit/emit.h"
#include "ctp/model/diagnostic.h"
#include "emit_error.h"
#include "sample_pipelines.h"
#include "yaml_get.h"

using namespace ctp;
using namespace ctp::testing;

TEST_CASE("Argo: onExit names the DAG template of the sub-pipeline's tasks, inputs given") {
  const YAML::Node spec = Get(YAML::Load(EmitArgo(ExitSubPipelinePipeline())), "spec");
  CHECK(Scalar(Get(spec, "onExit")) == "notify");
  const YAML::Node templates = Get(spec, "templates");
  const YAML::Node notify = Named(templates, "notify");
  REQUIRE(notify);
  CHECK_FALSE(notify["container"]);
  CHECK(Scalar(Get(Named(Get(notify, "inputs", "parameters"), "status"), "value")) ==
        "{{workflow.status}}");
  CHECK(Scalar(Get(Named(Get(notify, "inputs", "parameters"), "channel"), "value")) ==
        "{{workflow.parameters.channel}}");
  const YAML::Node tasks = Get(notify, "dag", "tasks");
  REQUIRE(tasks.IsSequence());
  CHECK(tasks.size() == 2);
  CHECK(Scalar(Get(Named(tasks, "format"), "template")) == "notify-format");
  CHECK(Scalar(Get(Named(tasks, "send"), "depends")) == "format");
  CHECK(Scalar(Get(Named(Get(Named(tasks, "format"), "arguments", "parameters"), "status"),
                   "value")) == "{{inputs.parameters.status}}");
  CHECK(Scalar(Get(Named(templates, "notify-format"), "container", "args", 0)) ==
        "echo run {{inputs.parameters.status}} > /tmp/outputs/message");
  CHECK(Named(templates, "notify-send"));
}

TEST_CASE("KFP: the exit task is the sub-pipeline's DAG component, fed the task final status") {
  const YAML::Node spec = YAML::LoadAll(EmitKfp(ExitSubPipelinePipeline())).front();
  const YAML::Node task = Get(spec, "root", "dag", "tasks", "notify");
  CHECK(Scalar(Get(task, "componentRef", "name")) == "comp-notify");
  CHECK(Scalar(Get(task, "dependentTasks", 0)) == "exit-handler-1");
  CHECK(Scalar(Get(task, "triggerPolicy", "strategy")) == "ALL_UPSTREAM_TASKS_COMPLETED");
  CHECK(Scalar(Get(task, "inputs", "parameters", "status", "taskFinalStatus", "producerTask")) ==
        "exit-handler-1");
  CHECK(Scalar(Get(task, "inputs", "parameters", "channel", "componentInputParameter")) ==
        "channel");
  CHECK(Get(spec, "root", "dag", "tasks", "exit-handler-1"));

  const YAML::Node component = Get(spec, "components", "comp-notify");
  CHECK(Scalar(Get(component, "inputDefinitions", "parameters", "status", "parameterType")) ==
        "TASK_FINAL_STATUS");
  CHECK(Scalar(Get(component, "inputDefinitions", "parameters", "status", "isOptional")) == "true");
  CHECK(Scalar(Get(component, "inputDefinitions", "parameters", "channel", "parameterType")) ==
        "STRING");
  CHECK(Scalar(Get(component, "dag", "tasks", "format", "inputs", "parameters", "status",
                   "componentInputParameter")) == "status");
  CHECK(Scalar(Get(component, "dag", "tasks", "send", "dependentTasks", 0)) == "format");
  CHECK(Scalar(Get(spec, "components", "comp-format", "inputDefinitions", "parameters", "status",
                   "parameterType")) == "STRUCT");
}

TEST_CASE("KFP refuses a condition on the status inside a sub-pipeline exit handler") {
  Pipeline p = ExitSubPipelinePipeline();
  auto inner = std::make_shared<Pipeline>(*p.on_exit->pipeline);
  Condition failed;
  failed.op = Condition::Op::kEq;
  failed.lhs = Template::Of(ParamRef("status"));
  failed.rhs = Template::Of("Failed");
  inner->steps[1].when = failed;
  p.on_exit->pipeline = inner;
  CHECK(ErrorOf([&] { EmitKfp(p); }) ==
        "notify.lua:3: error: step 'send' tests parameter 'status', which carries the pipeline "
        "status: KFP gives it as a PipelineTaskFinalStatus struct, not as the text Argo and ctp "
        "run give (Succeeded, Failed, Error), so the condition cannot hold alike (test the status "
        "inside the step)\n");
  // Argo compares the text it passes in.
  const YAML::Node templates = Get(YAML::Load(EmitArgo(p)), "spec", "templates");
  CHECK(Scalar(Get(Named(Get(Named(templates, "notify"), "dag", "tasks"), "send"), "when")) ==
        "{{=inputs.parameters['status'] == 'Failed'}}");
}

TEST_CASE("KFP gives the status to a sub-pipeline only as the exit handler") {
  Pipeline p = ExitSubPipelinePipeline();
  Step notify = *p.on_exit;
  p.on_exit.reset();
  p.steps.push_back(notify);
  CHECK(ErrorOf([&] { EmitKfp(p); }) ==
        "test.lua:3: error: step 'notify' reads the pipeline status, which KFP gives only to the "
        "exit handler\n");
}

TEST_CASE("a sub-pipeline exit handler's new claim is created and passed in like a step's") {
  Pipeline p = ExitSubPipelinePipeline();
  auto inner = std::make_shared<Pipeline>(*p.on_exit->pipeline);
  Volume scratch;
  scratch.name = "scratch";
  scratch.kind = Volume::Kind::kNewClaim;
  scratch.size = "1Gi";
  scratch.location = {"notify.lua", 9};
  inner->volumes = {scratch};
  inner->steps[0].mounts = {{"scratch", "/scratch", false, ""}};
  p.on_exit->pipeline = inner;

  const YAML::Node argo = YAML::Load(EmitArgo(p));
  CHECK(Scalar(Get(argo, "spec", "volumeClaimTemplates", 0, "metadata", "name")) == "scratch");

  const YAML::Node kfp = YAML::LoadAll(EmitKfp(p)).front();
  const YAML::Node task = Get(kfp, "root", "dag", "tasks", "notify");
  CHECK(Scalar(Get(task, "inputs", "parameters", "pipelinechannel--createpvc-scratch-name",
                   "taskOutputParameter", "producerTask")) == "createpvc-scratch");
  CHECK(Get(kfp, "root", "dag", "tasks", "deletepvc-scratch"));
}

TEST_CASE("an exit handler's condition: an Argo DAG of one task carries it; KFP refuses it") {
  Pipeline p = ExitHandlerPipeline();
  p.on_exit->when =
      Compare(Condition::Op::kEq, Template::Of(StatusRef()), Template::Of("Failed"));
  const YAML::Node spec = Get(YAML::Load(EmitArgo(p)), "spec");
  const std::string exit = p.on_exit->name;
  CHECK(Scalar(Get(spec, "onExit")) == exit + "-when");
  const YAML::Node task = Get(Named(Get(spec, "templates"), exit + "-when"), "dag", "tasks", 0);
  CHECK(Scalar(Get(task, "template")) == exit);
  CHECK(Scalar(Get(task, "when")) == "'{{workflow.status}}' == 'Failed'");
  CHECK(Named(Get(spec, "templates"), exit)["container"]);
  CHECK(ErrorOf([&] { EmitKfp(p); }) ==
        "test.lua:" + std::to_string(p.on_exit->location.line) + ": error: the exit handler '" +
            exit +
            "' has a condition: KFP runs its exit task whatever the condition (dsl.ExitHandler "
            "takes none), so it would run where ctp run and Argo skip it (decide inside the "
            "step)\n");
}

TEST_CASE("an exit handler that loops is refused by both emitters (a cluster runs it once)") {
  Pipeline p = ExitHandlerPipeline();
  p.on_exit->loop = Loop{{"1", "2"}, std::nullopt, 0};
  const std::string expected =
      "test.lua:" + std::to_string(p.on_exit->location.line) + ": error: the exit handler '" +
      p.on_exit->name +
      "' loops (for_each): a cluster runs an exit handler once (Argo's onExit, KFP's exit task), "
      "where ctp run runs it per item (loop inside the handler, or make it a sub-pipeline with a "
      "looping step)\n";
  CHECK(ErrorOf([&] { EmitArgo(p); }) == expected);
  CHECK(ErrorOf([&] { EmitKfp(p); }) == expected);
}
