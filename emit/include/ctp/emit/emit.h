// Emitters: pure functions of a Pipeline. Same input, byte-identical output.
#pragma once

#include <string>
#include <vector>

#include "ctp/model/pipeline.h"

namespace ctp {

/// What to emit and for which cluster.
struct EmitOptions {
  /// Which Argo resources: a Workflow (generateName), a WorkflowTemplate, a CronWorkflow that runs
  /// the template through workflowTemplateRef, or template + cron as one multi-document file.
  enum class Kind { kWorkflow, kTemplate, kCron, kAll };
  Kind kind = Kind::kWorkflow;
  /// Target Argo major version: 4 writes `schedules`, 3 the older `schedule`.
  int argo_major_version = 4;
  /// Overrides the pipeline's ctp image (what native and Lua steps run in); empty = keep.
  std::string ctp_image;
};

/// One resource of an emitted pipeline as a GitOps repository keeps it: one file per resource.
struct EmittedResource {
  std::string file_name;  ///< `workflow-NAME.yaml`, `workflowtemplate-NAME.yaml`, ...
  std::string yaml;       ///< the resource's YAML text
};

/// The Argo resources of `options.kind`, one per file: `workflow-NAME.yaml`,
/// `workflowtemplate-NAME.yaml` and/or `cronworkflow-NAME.yaml`. EmitArgo joins them with `---`.
std::vector<EmittedResource> EmitArgoResources(const Pipeline& pipeline,
                                               const EmitOptions& options = {});

/// Argo Workflows YAML (names, input naming and defaults: docs/emit.md). Throws ctp::Error for
/// pipelines that cannot run on a cluster (e.g. a step without an image).
std::string EmitArgo(const Pipeline& pipeline, const EmitOptions& options = {});

/// Kubeflow Pipelines v2 YAML (keys sorted, `# PIPELINE DEFINITION` header; see docs/emit.md):
/// the PipelineSpec, and a second document with the kubernetes
/// platform spec when any step uses Kubernetes features. Throws ctp::Error like EmitArgo.
std::string EmitKfp(const Pipeline& pipeline, const EmitOptions& options = {});

/// EmitKfp as one resource file, `pipeline-NAME.yaml` (the spec and its platform document).
EmittedResource EmitKfpResource(const Pipeline& pipeline, const EmitOptions& options = {});

/// Graphviz DOT of the DAG (written with Boost.Graph's writer): one node per step with its kind
/// and image, one edge per dependency, the exit handler as a separate dashed node.
std::string EmitDot(const Pipeline& pipeline);

/// The container command line that runs a native or Lua step in the ctp image:
/// `ctp step NAME --ARG VALUE ... --output NAME=PATH ...` or
/// `ctp exec --source SRC --input NAME=VALUE ... --output NAME=PATH ...`, where each PATH is an
/// output-path reference that the emitter renders; empty for other steps. Shared by both
/// emitters so Argo and KFP run steps identically.
std::vector<Template> CtpImageCommand(const Step& step);

}  // namespace ctp

namespace ctp {

/// Where a step writes output `output` inside its container: the declared path, or
/// `/tmp/outputs/<name>` when the script left it to ctp.
std::string ClusterOutputPath(const Output& output);

/// Where an input artifact read from `ref` (a step output) is placed inside the reading step's
/// container: `/tmp/inputs/<step>/<output>`.
std::string ClusterInputPath(const Ref& ref);

}  // namespace ctp
