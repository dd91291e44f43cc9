// Claims a sub-pipeline creates: Argo declares them with the workflow's volumes; KFP creates them
// in the root DAG, passes their names into the sub-pipeline's component and deletes them after
// the tasks that mount them.
#include <doctest/doctest.h>

#include "ctp/model/diagnostic.h"
#include "ctp/emit/emit.h"
#include "sample_pipelines.h"
#include "validators.h"
#include "yaml_get.h"

using namespace ctp;
using namespace ctp::testing;

namespace {

Volume NewClaim(std::string name, std::string size, int line) {
  Volume volume;
  volume.name = std::move(name);
  volume.kind = Volume::Kind::kNewClaim;
  volume.size = std::move(size);
  volume.access_modes = {"ReadWriteMany"};
  volume.location = {"inner.lua", line};
  return volume;
}

// `outer` runs sub-pipeline `preprocess`, whose step `tile` mounts claim `scratch` it declares.
Pipeline PipelineWithInnerClaim() {
  Pipeline p = SubPipelinePipeline();
  auto inner = std::make_shared<Pipeline>(*p.steps[1].pipeline);
  inner->volumes = {NewClaim("scratch", "5Gi", 9)};
  inner->steps[0].mounts = {{"scratch", "/scratch", false, ""}};
  p.steps[1].pipeline = inner;
  return p;
}

std::vector<YAML::Node> Documents(const std::string& text) { return YAML::LoadAll(text); }

}  // namespace

TEST_CASE("Argo: a sub-pipeline's new claim is a volumeClaimTemplate of the workflow") {
  const YAML::Node workflow = YAML::Load(EmitArgo(PipelineWithInnerClaim()));
  const YAML::Node claims = Get(workflow, "spec", "volumeClaimTemplates");
  REQUIRE(claims.IsSequence());
  REQUIRE(claims.size() == 1);
  CHECK(Scalar(Get(claims, 0, "metadata", "name")) == "scratch");
  CHECK(Scalar(Get(claims, 0, "spec", "resources", "requests", "storage")) == "5Gi");
  CHECK(Scalar(Get(claims, 0, "spec", "accessModes", 0)) == "ReadWriteMany");
  bool mounted = false;
  for (const YAML::Node& t : Get(workflow, "spec", "templates"))
    if (Scalar(t["name"]) == "pre-tile")
      mounted = Scalar(Get(t, "container", "volumeMounts", 0, "name")) == "scratch";
  CHECK(mounted);
}

TEST_CASE("Argo: two pipelines cannot declare one volume name differently") {
  Pipeline p = PipelineWithInnerClaim();
  p.volumes = {NewClaim("scratch", "1Gi", 2)};
  p.volumes[0].location = {"test.lua", 2};
  try {
    EmitArgo(p);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(FormatError(e, false) ==
          "inner.lua:9: error: pipeline 'preprocess' declares volume 'scratch' unlike another "
          "pipeline of the workflow (test.lua:2): Argo gives a workflow one set of volumes\n");
  }
}

TEST_CASE("KFP: the root creates a sub-pipeline's claim, passes its name in, and deletes it") {
  const std::vector<YAML::Node> documents = Documents(EmitKfp(PipelineWithInnerClaim()));
  REQUIRE(documents.size() == 2);
  const YAML::Node root_tasks = Get(documents[0], "root", "dag", "tasks");
  CHECK(Scalar(Get(root_tasks, "createpvc-scratch", "inputs", "parameters", "size", "runtimeValue",
                   "constant")) == "5Gi");

  // The sub-pipeline task waits for the claim and passes its name as a channel input.
  const YAML::Node pre = root_tasks["pre"];
  CHECK(Scalar(Get(pre, "dependentTasks", 0)) == "createpvc-scratch");
  CHECK(Scalar(Get(pre, "dependentTasks", 1)) == "fetch");
  const YAML::Node channel =
      Get(pre, "inputs", "parameters", "pipelinechannel--createpvc-scratch-name");
  CHECK(Scalar(Get(channel, "taskOutputParameter", "producerTask")) == "createpvc-scratch");
  CHECK(Scalar(Get(channel, "taskOutputParameter", "outputParameterKey")) == "name");
  CHECK(Scalar(Get(documents[0], "components", "comp-pre", "inputDefinitions", "parameters",
                   "pipelinechannel--createpvc-scratch-name", "parameterType")) == "STRING");

  // Inside, the mount reads the name from that input.
  const YAML::Node mount = Get(documents[1], "platforms", "kubernetes", "deploymentSpec",
                               "executors", "exec-tile", "pvcMount", 0);
  CHECK(Scalar(mount["mountPath"]) == "/scratch");
  CHECK(Scalar(mount["componentInputParameter"]) == "pipelinechannel--createpvc-scratch-name");

  // The claim is deleted once the sub-pipeline is done.
  const YAML::Node remove = root_tasks["deletepvc-scratch"];
  CHECK(Scalar(Get(remove, "dependentTasks", 0)) == "createpvc-scratch");
  CHECK(Scalar(Get(remove, "dependentTasks", 1)) == "pre");
  CHECK(Get(remove, "dependentTasks").size() == 2);
  CHECK(Scalar(Get(remove, "inputs", "parameters", "pvc_name", "taskOutputParameter",
                   "producerTask")) == "createpvc-scratch");
  CHECK(Scalar(Get(documents[0], "deploymentSpec", "executors", "exec-deletepvc-scratch",
                   "container", "image")) == "argostub/deletepvc");
}

TEST_CASE("a sub-pipeline's claim passes the shared validators") {
  TempDir dir("sub_pipeline_claims");
  CheckArgoValid(dir, dir.Write("claims.argo.yaml", EmitArgo(PipelineWithInnerClaim())));
  CheckKfpValid(dir, dir.Write("claims.kfp.yaml", EmitKfp(PipelineWithInnerClaim())));
}
