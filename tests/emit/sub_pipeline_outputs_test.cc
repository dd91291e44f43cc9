// Outputs of a sub-pipeline read by a later step keep the kind of the inner step output they
// name: an artifact is passed as an artifact (Argo `outputs.artifacts` + `from`, KFP
// `taskOutputArtifact` + `artifactSelectors`), a parameter as a parameter.
#include <doctest/doctest.h>

#include "ctp/emit/emit.h"
#include "sample_pipelines.h"
#include "yaml_get.h"

using namespace ctp;
using namespace ctp::testing;

TEST_CASE("Step::OutputKind: a sub-pipeline step's output has the kind its pipeline produces") {
  const Pipeline p = SubPipelineArtifactPipeline();
  const Step& pack = p.steps[0];
  // Declared as parameters (as the DSL declares them), followed into the sub-pipeline.
  CHECK(pack.outputs[0].kind == ValueKind::kParameter);
  CHECK(pack.OutputKind("file") == ValueKind::kArtifact);
  CHECK(pack.OutputKind("files") == ValueKind::kParameter);
  CHECK(pack.pipeline->OutputKind("file") == ValueKind::kArtifact);
  CHECK(pack.OutputKind("nothing") == ValueKind::kParameter);
}

TEST_CASE("Argo: a sub-pipeline's artifact output is a DAG output artifact read as an artifact") {
  const YAML::Node workflow = YAML::Load(EmitArgo(SubPipelineArtifactPipeline()));
  const YAML::Node templates = Get(workflow, "spec", "templates");
  const YAML::Node pack = Named(templates, "pack");
  CHECK(Scalar(Get(Named(Get(pack, "outputs", "artifacts"), "file"), "from")) ==
        "{{tasks.zip.outputs.artifacts.archive}}");
  CHECK(Scalar(Get(Named(Get(pack, "outputs", "parameters"), "files"), "valueFrom", "parameter")) ==
        "{{tasks.zip.outputs.parameters.count}}");
  CHECK_FALSE(Named(Get(pack, "outputs", "parameters"), "file"));

  const YAML::Node task = Named(Get(Named(templates, "sub-artifact"), "dag", "tasks"), "upload");
  CHECK(Scalar(Get(Named(Get(task, "arguments", "artifacts"), "pack-file"), "from")) ==
        "{{tasks.pack.outputs.artifacts.file}}");
  CHECK(Scalar(Get(Named(Get(task, "arguments", "parameters"), "pack-files"), "value")) ==
        "{{tasks.pack.outputs.parameters.files}}");
  CHECK_FALSE(Named(Get(task, "arguments", "parameters"), "pack-file"));

  const YAML::Node upload = Named(templates, "upload");
  CHECK(Scalar(Get(Named(Get(upload, "inputs", "artifacts"), "pack-file"), "path")) ==
        "/tmp/inputs/pack/file");
  CHECK(Scalar(Get(upload, "container", "args", 0)) == "/tmp/inputs/pack/file");
}

TEST_CASE("KFP: a sub-pipeline's artifact output is an output artifact of its DAG component") {
  const YAML::Node spec = YAML::LoadAll(EmitKfp(SubPipelineArtifactPipeline())).front();
  const YAML::Node component = Get(spec, "components", "comp-pack");
  CHECK(Scalar(Get(component, "outputDefinitions", "artifacts", "file", "artifactType",
                   "schemaTitle")) == "system.Artifact");
  CHECK(Scalar(Get(component, "dag", "outputs", "artifacts", "file", "artifactSelectors", 0,
                   "outputArtifactKey")) == "archive");
  CHECK(Scalar(Get(component, "dag", "outputs", "artifacts", "file", "artifactSelectors", 0,
                   "producerSubtask")) == "zip");
  CHECK(Scalar(Get(component, "outputDefinitions", "parameters", "files", "parameterType")) ==
        "STRING");
  CHECK_FALSE(Get(component, "outputDefinitions", "parameters", "file"));

  const YAML::Node inputs = Get(spec, "root", "dag", "tasks", "upload", "inputs");
  CHECK(Scalar(Get(inputs, "artifacts", "pack-file", "taskOutputArtifact", "outputArtifactKey")) ==
        "file");
  CHECK(Scalar(Get(inputs, "artifacts", "pack-file", "taskOutputArtifact", "producerTask")) ==
        "pack");
  CHECK(Scalar(Get(inputs, "parameters", "pack-files", "taskOutputParameter",
                   "outputParameterKey")) == "files");
  CHECK_FALSE(Get(inputs, "parameters", "pack-file"));
  CHECK(Scalar(Get(spec, "components", "comp-upload", "inputDefinitions", "artifacts", "pack-file",
                   "artifactType", "schemaTitle")) == "system.Artifact");
}
