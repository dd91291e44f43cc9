// EmitArgo: the Workflow / WorkflowTemplate / CronWorkflow resources around the DAG templates.
#include <fmt/format.h>

#include <map>
#include <utility>

#include "argo.h"
#include "ctp/model/diagnostic.h"
#include "yaml_writer.h"

namespace ctp {
namespace {

using emit::ArgoScope;
using emit::IntScalar;
using emit::YamlValue;

constexpr const char* kApiVersion = "argoproj.io/v1alpha1";
constexpr int64_t kSecondsAfterCompletion = 86400;
// Argo appends a 10-digit timestamp and a dash to a CronWorkflow's name for each run, and a
// Workflow name is a 63-character label value.
constexpr std::size_t kMaxCronWorkflowName = 52;

YamlValue Metadata(const Pipeline& pipeline, const char* name_key, const std::string& name) {
  YamlValue node;
  node[name_key] = name;
  for (const auto& [key, value] : pipeline.labels) node["labels"][key] = value;
  std::map<std::string, std::string> annotations = pipeline.annotations;
  if (!pipeline.description.empty())
    annotations["workflows.argoproj.io/description"] = pipeline.description;
  if (!pipeline.vault_path.empty()) annotations["avp.kubernetes.io/path"] = pipeline.vault_path;
  for (const auto& [key, value] : annotations) node["annotations"][key] = value;
  return node;
}

YamlValue Resource(const char* kind, YamlValue metadata) {
  YamlValue node;
  node["apiVersion"] = kApiVersion;
  node["kind"] = kind;
  node["metadata"] = std::move(metadata);
  return node;
}

// The entry DAG template's name: the pipeline's, unless a step already uses it.
std::string EntryName(const Pipeline& pipeline) {
  return pipeline.FindStep(pipeline.name) ? pipeline.name + "-dag" : pipeline.name;
}

YamlValue Parameters(const Pipeline& pipeline) {
  YamlValue list = YamlValue::EmptySequence();
  for (const Param& param : pipeline.params) {
    YamlValue entry;
    entry["name"] = param.name;
    if (param.default_value) entry["value"] = *param.default_value;
    if (!param.doc.empty()) entry["description"] = param.doc;
    list.PushBack(std::move(entry));
  }
  return list;
}

void AddVolumes(const Pipeline& pipeline, YamlValue& spec) {
  for (const Volume* volume_ptr : emit::WorkflowVolumes(pipeline)) {
    const Volume& volume = *volume_ptr;
    YamlValue entry;
    switch (volume.kind) {
      case Volume::Kind::kExistingClaim:
        entry["name"] = volume.name;
        entry["persistentVolumeClaim"]["claimName"] = volume.claim;
        spec["volumes"].PushBack(std::move(entry));
        break;
      case Volume::Kind::kSecret:
        entry["name"] = volume.name;
        entry["secret"]["secretName"] = volume.secret;
        spec["volumes"].PushBack(std::move(entry));
        break;
      case Volume::Kind::kEmptyDir:
        entry["name"] = volume.name;
        entry["emptyDir"] = YamlValue::EmptyMap();
        spec["volumes"].PushBack(std::move(entry));
        break;
      case Volume::Kind::kNewClaim:
        entry["metadata"]["name"] = volume.name;
        entry["spec"]["accessModes"] = emit::StringList(
            volume.access_modes.empty() ? std::vector<std::string>{"ReadWriteOnce"}
                                        : volume.access_modes);
        if (!volume.storage_class.empty()) entry["spec"]["storageClassName"] = volume.storage_class;
        entry["spec"]["resources"]["requests"]["storage"] = volume.size;
        spec["volumeClaimTemplates"].PushBack(std::move(entry));
        break;
    }
  }
}

YamlValue WorkflowSpec(const Pipeline& pipeline, const EmitOptions& options) {
  const emit::StepLookup steps;
  ArgoScope scope{&pipeline, &pipeline, &options, &steps, "", true, {}, nullptr};
  if (pipeline.on_exit)
    for (const Ref& ref : ContainerRefs(*pipeline.on_exit))
      if (ref.kind == Ref::Kind::kStepOutput) scope.global_outputs.insert({ref.step, ref.name});

  YamlValue spec;
  spec["entrypoint"] = EntryName(pipeline);
  if (pipeline.on_exit) spec["onExit"] = emit::ArgoExitEntry(*pipeline.on_exit);
  if (!pipeline.params.empty()) spec["arguments"]["parameters"] = Parameters(pipeline);
  if (!pipeline.service_account.empty()) spec["serviceAccountName"] = pipeline.service_account;
  if (pipeline.parallelism > 0) spec["parallelism"] = IntScalar(pipeline.parallelism);
  if (pipeline.timeout_seconds)
    spec["activeDeadlineSeconds"] = IntScalar(*pipeline.timeout_seconds);
  spec["podGC"]["strategy"] = "OnPodSuccess";
  spec["ttlStrategy"]["secondsAfterCompletion"] = IntScalar(kSecondsAfterCompletion);
  AddVolumes(pipeline, spec);

  YamlValue templates = YamlValue::EmptySequence();
  YamlValue entry;
  entry["name"] = EntryName(pipeline);
  emit::AddArgoDagTemplates(scope, std::move(entry), templates);
  if (pipeline.on_exit) emit::AddArgoExitTemplates(scope, *pipeline.on_exit, templates);
  spec["templates"] = std::move(templates);
  return spec;
}

const Schedule& RequireSchedule(const Pipeline& pipeline) {
  if (!pipeline.schedule || pipeline.schedule->cron.empty())
    throw Error(pipeline.location,
                fmt::format("pipeline '{}': a CronWorkflow needs a schedule: add "
                            "`schedule = {{ cron = \"0 2 * * *\" }}` to ctp.pipeline, or emit "
                            "`--kind template` for the WorkflowTemplate alone",
                            pipeline.name));
  return *pipeline.schedule;
}

YamlValue CronWorkflow(const Pipeline& pipeline, const EmitOptions& options) {
  const Schedule& schedule = RequireSchedule(pipeline);
  if (pipeline.name.size() > kMaxCronWorkflowName)
    throw Error(pipeline.location,
                fmt::format("pipeline '{}': a CronWorkflow name has at most {} characters (this "
                            "one has {}), because Argo appends the run's timestamp to it",
                            pipeline.name, kMaxCronWorkflowName, pipeline.name.size()));
  YamlValue spec;
  if (options.argo_major_version >= 4) {
    spec["schedules"] = emit::StringList(schedule.cron);
  } else {
    if (schedule.cron.size() > 1)
      throw Error(schedule.location,
                  fmt::format("pipeline '{}' has {} schedules, but an Argo 3 CronWorkflow takes "
                              "one (target Argo 4 for several)",
                              pipeline.name, schedule.cron.size()));
    spec["schedule"] = schedule.cron.front();
  }
  if (!schedule.timezone.empty()) spec["timezone"] = schedule.timezone;
  if (schedule.concurrency_policy) spec["concurrencyPolicy"] = *schedule.concurrency_policy;
  if (schedule.starting_deadline_seconds)
    spec["startingDeadlineSeconds"] = IntScalar(*schedule.starting_deadline_seconds);
  spec["successfulJobsHistoryLimit"] = IntScalar(schedule.successful_history);
  spec["failedJobsHistoryLimit"] = IntScalar(schedule.failed_history);
  if (schedule.suspend) spec["suspend"] = emit::BoolScalar(true);
  spec["workflowSpec"]["workflowTemplateRef"]["name"] = pipeline.name;
  YamlValue cron = Resource("CronWorkflow", Metadata(pipeline, "name", pipeline.name));
  cron["spec"] = std::move(spec);
  return cron;
}

YamlValue WorkflowTemplate(const Pipeline& pipeline, const EmitOptions& options) {
  YamlValue resource = Resource("WorkflowTemplate", Metadata(pipeline, "name", pipeline.name));
  resource["spec"] = WorkflowSpec(pipeline, options);
  return resource;
}

}  // namespace

std::vector<EmittedResource> EmitArgoResources(const Pipeline& pipeline,
                                               const EmitOptions& options) {
  auto resource = [&](const char* kind, const YamlValue& document) {
    return EmittedResource{fmt::format("{}-{}.yaml", kind, pipeline.name),
                           emit::WriteYaml(document)};
  };
  switch (options.kind) {
    case EmitOptions::Kind::kWorkflow: {
      YamlValue workflow =
          Resource("Workflow", Metadata(pipeline, "generateName", pipeline.name + "-"));
      workflow["spec"] = WorkflowSpec(pipeline, options);
      return {resource("workflow", workflow)};
    }
    case EmitOptions::Kind::kTemplate:
      return {resource("workflowtemplate", WorkflowTemplate(pipeline, options))};
    case EmitOptions::Kind::kCron:
      return {resource("cronworkflow", CronWorkflow(pipeline, options))};
    case EmitOptions::Kind::kAll: {
      YamlValue cron = CronWorkflow(pipeline, options);  // its errors come first
      return {resource("workflowtemplate", WorkflowTemplate(pipeline, options)),
              resource("cronworkflow", cron)};
    }
  }
  return {};
}

std::string EmitArgo(const Pipeline& pipeline, const EmitOptions& options) {
  std::string text;
  for (const EmittedResource& resource : EmitArgoResources(pipeline, options))
    text += (text.empty() ? "" : "---\n") + resource.yaml;
  return text;
}

}  // namespace ctp
