// KFP leaf components: a container, script, native or Lua step as component + executor + kubernetes
// executor config, with KFP placeholders in its command line.
#include <fmt/format.h>

#include <map>
#include <nlohmann/json.hpp>
#include <utility>

#include "ctp/model/diagnostic.h"
#include "kfp.h"
#include "yaml_writer.h"

namespace ctp::emit {
namespace {

constexpr const char* kStatusInput = "status";

// `sh -ec LAUNCHER SOURCE INTERPRETER...`: the source into a file, then the interpreter on it.
constexpr const char* kKfpScriptLauncher =
    "script_dir=$(mktemp -d)\n"
    "printf '%s' \"$0\" > \"$script_dir/script\"\n"
    "exec \"$@\" \"$script_dir/script\"\n";

bool ReadsStatus(const Step& step) {
  for (const Ref& ref : ContainerRefs(step))
    if (ref.kind == Ref::Kind::kWorkflowStatus) return true;
  return false;
}

std::string Placeholder(const KfpScope& scope, const Step& step,
                        const std::vector<StepInput>& inputs, const Ref& ref) {
  switch (ref.kind) {
    case Ref::Kind::kStepOutput:
      if (IsKfpArtifact(scope, ref))
        return "{{$.inputs.artifacts['" + FindStepInput(inputs, ref)->name + "'].path}}";
      [[fallthrough]];
    case Ref::Kind::kParam:
    case Ref::Kind::kLoopItem:
      return "{{$.inputs.parameters['" + FindStepInput(inputs, ref)->name + "']}}";
    case Ref::Kind::kOutputPath: {
      const Output* output = FindOutput(step, ref.name);
      if (!output)
        throw Error(step.location,
                    fmt::format("step '{}' writes to undeclared output '{}'", step.name, ref.name));
      if (output->kind == ValueKind::kParameter)
        return "{{$.outputs.parameters['" + ref.name + "'].output_file}}";
      return "{{$.outputs.artifacts['" + ref.name + "'].path}}";
    }
    case Ref::Kind::kWorkflowName:
      return "{{$.pipeline_job_name}}";
    case Ref::Kind::kWorkflowStatus:
      KfpFinalStatusSource(scope, step);  // throws outside the exit handler
      return "{{$.inputs.parameters['" + std::string(kStatusInput) + "']}}";
  }
  return {};
}

// Literal text as is, one reference as its placeholder, a mix as a KFP Concat placeholder.
std::string Text(const KfpScope& scope, const Step& step, const std::vector<StepInput>& inputs,
                 const Template& value, bool allow_concat = true) {
  if (value.IsLiteral()) return value.Literal();
  if (value.parts.size() == 1) return Placeholder(scope, step, inputs, *value.parts[0].ref);
  nlohmann::json parts = nlohmann::json::array();
  std::string joined;
  for (const Template::Part& part : value.parts) {
    std::string text = part.ref ? Placeholder(scope, step, inputs, *part.ref) : part.text;
    joined += text;
    parts.push_back(std::move(text));
  }
  if (!allow_concat) return joined;
  return nlohmann::json{{"Concat", parts}}.dump();
}

YamlValue TextList(const KfpScope& scope, const Step& step, const std::vector<StepInput>& inputs,
                   const std::vector<Template>& values) {
  YamlValue list = YamlValue::EmptySequence();
  for (const Template& value : values) list.PushBack(Text(scope, step, inputs, value));
  return list;
}

YamlValue InputDefinitions(const KfpScope& scope, const Step& step,
                           const std::vector<StepInput>& inputs) {
  YamlValue node;
  for (const StepInput& input : inputs) {
    if (input.literal) {
      node["parameters"][input.name]["parameterType"] = "STRING";
    } else if (IsKfpArtifact(scope, input.ref)) {
      node["artifacts"][input.name]["artifactType"] =
          KfpArtifactType(ProducedKind(*scope.steps, *scope.pipeline, input.ref));
      if (KfpParameterType(scope, input.ref) == "LIST")
        node["artifacts"][input.name]["isArtifactList"] = BoolScalar(true);
    } else {
      node["parameters"][input.name]["parameterType"] = KfpParameterType(scope, input.ref);
    }
  }
  if (ReadsStatus(step)) {
    node["parameters"][kStatusInput]["isOptional"] = BoolScalar(true);
    node["parameters"][kStatusInput]["parameterType"] = "TASK_FINAL_STATUS";
  }
  return node;
}

// A parameter output is text, or a LIST (a JSON list, parsed by KFP) when a loop iterates it.
YamlValue OutputDefinitions(const KfpScope& scope, const Step& step) {
  YamlValue node;
  for (const Output& output : step.outputs) {
    if (output.from_stdout)
      throw Error(output.location,
                  fmt::format("step '{}': KFP has no value for what a step prints ({}.result, "
                              "Argo's outputs.result); write the value to a file output instead "
                              "(outputs = {{ value = \"parameter\" }} and "
                              "ctp.output_path(\"value\")) to emit for KFP",
                              step.name, step.name));
    if (output.kind == ValueKind::kParameter)
      node["parameters"][output.name]["parameterType"] =
          !step.loop && FeedsLoop(*scope.pipeline, Ref{Ref::Kind::kStepOutput, step.name, output.name})
              ? "LIST"
              : "STRING";
    else
      node["artifacts"][output.name]["artifactType"] = KfpArtifactType(output.kind);
  }
  return node;
}

YamlValue ResourceSpec(const Resources& resources) {
  YamlValue node;
  auto set = [&](const char* key, const std::string& value) {
    if (!value.empty()) node[key] = value;
  };
  set("resourceCpuRequest", resources.cpu_request);
  set("resourceCpuLimit", resources.cpu_limit);
  set("resourceMemoryRequest", resources.memory_request);
  set("resourceMemoryLimit", resources.memory_limit);
  if (resources.gpu_count > 0) {
    node["accelerator"]["resourceType"] =
        resources.accelerator_type.empty() ? resources.gpu_resource : resources.accelerator_type;
    node["accelerator"]["resourceCount"] = std::to_string(resources.gpu_count);
  }
  return node;
}

// A script step's command: as Argo runs a script template (the source in a file, its path after
// the interpreter command), in the way the KFP SDK starts Python components (`sh -ec` writes its
// argument $0 to a fresh file).
YamlValue ScriptCommand(const KfpScope& scope, const Step& step,
                        const std::vector<StepInput>& inputs) {
  YamlValue list = YamlValue::EmptySequence();
  list.PushBack("sh");
  list.PushBack("-ec");
  list.PushBack(kKfpScriptLauncher);
  list.PushBack(Text(scope, step, inputs, step.source));
  for (const Template& part : step.command) list.PushBack(Text(scope, step, inputs, part));
  return list;
}

YamlValue Executor(const KfpScope& scope, const Step& step, const TemplateShape& shape) {
  const ClusterContainer& cluster = shape.container;
  const std::vector<StepInput>& inputs = shape.inputs;
  YamlValue container;
  container["image"] = cluster.image;
  if (step.IsScript())
    container["command"] = ScriptCommand(scope, step, inputs);
  else if (!cluster.command.empty())
    container["command"] = TextList(scope, step, inputs, cluster.command);
  if (!cluster.args.empty()) container["args"] = TextList(scope, step, inputs, cluster.args);
  for (const EnvVar& var : step.env) {
    if (var.secret) continue;  // kubernetes platform secretAsEnv
    YamlValue entry;
    entry["name"] = var.name;
    entry["value"] = var.vault ? (var.vault->path.empty()
                                      ? "<" + var.vault->key + ">"
                                      : "<path:" + var.vault->path + "#" + var.vault->key + ">")
                               : Text(scope, step, inputs, var.value, false);
    container["env"].PushBack(std::move(entry));
  }
  YamlValue resources = ResourceSpec(step.resources);
  if (resources.size() > 0) container["resources"] = std::move(resources);
  YamlValue executor;
  executor["container"] = std::move(container);
  return executor;
}

YamlValue RuntimeConstant(const std::string& value) {
  YamlValue node;
  node["runtimeValue"]["constant"] = value;
  return node;
}

const Volume* FindVolume(const KfpBuilder& builder, const KfpScope& scope, const Mount& mount) {
  const Volume* volume = scope.pipeline->FindVolume(mount.volume);
  return volume ? volume : builder.root->FindVolume(mount.volume);
}

void AddMounts(const KfpBuilder& builder, const KfpScope& scope, const Step& step,
               YamlValue& config) {
  for (const Mount& mount : step.mounts) {
    const Volume* volume = FindVolume(builder, scope, mount);
    if (!volume)
      throw Error(step.location,
                  fmt::format("step '{}' mounts unknown volume '{}'", step.name, mount.volume));
    YamlValue entry;
    switch (volume->kind) {
      case Volume::Kind::kExistingClaim:
        entry["constant"] = volume->claim;
        entry["mountPath"] = mount.path;
        entry["pvcNameParameter"] = RuntimeConstant(volume->claim);
        if (!mount.sub_path.empty()) entry["subPath"] = mount.sub_path;
        config["pvcMount"].PushBack(std::move(entry));
        break;
      case Volume::Kind::kNewClaim: {
        // The claim's source twice: as the mount's own keys and as its pvcNameParameter.
        YamlValue source = KfpSource(scope, CreatePvcRef(volume->name));
        for (const YamlValue::Entry& field : source.entries())
          entry[field.key] = field.value.Copy();
        entry["mountPath"] = mount.path;
        entry["pvcNameParameter"] = std::move(source);
        if (!mount.sub_path.empty()) entry["subPath"] = mount.sub_path;
        config["pvcMount"].PushBack(std::move(entry));
        break;
      }
      case Volume::Kind::kSecret:
        entry["mountPath"] = mount.path;
        entry["optional"] = BoolScalar(false);
        entry["secretName"] = volume->secret;
        entry["secretNameParameter"] = RuntimeConstant(volume->secret);
        config["secretAsVolume"].PushBack(std::move(entry));
        break;
      case Volume::Kind::kEmptyDir:
        entry["mountPath"] = mount.path;
        entry["volumeName"] = volume->name;
        config["emptyDirMounts"].PushBack(std::move(entry));
        break;
    }
  }
}

void AddSecretEnv(const Step& step, YamlValue& config) {
  std::map<std::string, YamlValue> by_secret;
  std::vector<std::string> order;
  for (const EnvVar& var : step.env) {
    if (!var.secret) continue;
    if (!by_secret.count(var.secret->secret)) order.push_back(var.secret->secret);
    YamlValue mapping;
    mapping["envVar"] = var.name;
    mapping["secretKey"] = var.secret->key;
    by_secret[var.secret->secret]["keyToEnv"].PushBack(std::move(mapping));
  }
  for (const std::string& secret : order) {
    YamlValue entry = std::move(by_secret[secret]);
    entry["optional"] = BoolScalar(false);
    entry["secretName"] = secret;
    entry["secretNameParameter"] = RuntimeConstant(secret);
    config["secretAsEnv"].PushBack(std::move(entry));
  }
}

YamlValue PlatformConfig(const KfpBuilder& builder, const KfpScope& scope, const Step& step) {
  YamlValue config = YamlValue::EmptyMap();
  AddMounts(builder, scope, step, config);
  AddSecretEnv(step, config);
  for (const auto& [key, value] : step.resources.node_selector)
    config["nodeSelector"]["labels"][key] = value;
  for (const Toleration& t : step.resources.tolerations) {
    YamlValue entry;
    if (!t.effect.empty()) entry["effect"] = t.effect;
    if (!t.key.empty()) entry["key"] = t.key;
    entry["operator"] = t.op;
    if (t.toleration_seconds) entry["tolerationSeconds"] = std::to_string(*t.toleration_seconds);
    if (!t.value.empty()) entry["value"] = t.value;
    config["tolerations"].PushBack(std::move(entry));
  }
  if (step.timeout_seconds) config["activeDeadlineSeconds"] = std::to_string(*step.timeout_seconds);
  if (!step.image_pull_policy.empty()) config["imagePullPolicy"] = step.image_pull_policy;
  return config;
}

// The component (without its executorLabel), executor and platform config of a leaf step.
struct LeafDefinition {
  YamlValue component, executor, platform;
};

LeafDefinition Definition(const KfpBuilder& builder, const KfpScope& scope, const Step& step,
                          const TemplateShape& shape) {
  LeafDefinition definition;
  YamlValue input_definitions = InputDefinitions(scope, step, shape.inputs);
  if (input_definitions.size() > 0)
    definition.component["inputDefinitions"] = std::move(input_definitions);
  YamlValue output_definitions = OutputDefinitions(scope, step);
  if (output_definitions.size() > 0)
    definition.component["outputDefinitions"] = std::move(output_definitions);
  definition.executor = Executor(scope, step, shape);
  definition.platform = PlatformConfig(builder, scope, step);
  return definition;
}

void AddDefinition(KfpBuilder& builder, const std::string& suffix, LeafDefinition definition) {
  YamlValue component;
  component["executorLabel"] = "exec-" + suffix;
  component.AppendEntries(std::move(definition.component));
  builder.components.Append("comp-" + suffix, std::move(component));
  builder.executors.Append("exec-" + suffix, std::move(definition.executor));
  if (definition.platform.size() > 0)
    builder.platform_executors.Append("exec-" + suffix, std::move(definition.platform));
}

TemplateShape SharedShapeOf(const KfpBuilder& builder, const KfpScope& scope, const Step& step) {
  LiftedStep lifted = LiftArguments(step);
  ClusterContainer container =
      ClusterContainerOf(lifted.step, *scope.pipeline, *builder.root, *builder.options);
  return SharedShape(lifted, std::move(container));
}

}  // namespace

KfpLeafComponent AddKfpLeafComponent(KfpBuilder& builder, const KfpScope& scope, const Step& step) {
  if (builder.planning && !ReadsStatus(step)) {
    LeafDefinition shared = Definition(builder, scope, step, SharedShapeOf(builder, scope, step));
    YamlValue body;
    body["component"] = std::move(shared.component);
    body["executor"] = std::move(shared.executor);
    body["platform"] = std::move(shared.platform);
    builder.reuse->Record(step, WriteYaml(body));
  }
  if (std::optional<std::size_t> group =
          builder.planning || !builder.reuse ? std::nullopt : builder.reuse->GroupOf(step)) {
    TemplateShape shape = SharedShapeOf(builder, scope, step);
    auto [named, first] = builder.shared_names.try_emplace(*group);
    if (first) {
      named->second = builder.UniqueSuffix(builder.reuse->DefinitionName(*group));
      AddDefinition(builder, named->second, Definition(builder, scope, step, shape));
    }
    return {"comp-" + named->second, std::move(shape.inputs)};
  }
  TemplateShape own =
      OwnShape(step, ClusterContainerOf(step, *scope.pipeline, *builder.root, *builder.options));
  const std::string suffix = builder.UniqueSuffix(step.name);
  AddDefinition(builder, suffix, Definition(builder, scope, step, own));
  return {"comp-" + suffix, std::move(own.inputs)};
}

YamlValue KfpLeafTaskInputs(const KfpScope& scope, const Step& step,
                            const std::vector<StepInput>& inputs) {
  YamlValue node;
  for (const StepInput& input : inputs)
    if (input.literal)
      node["parameters"][input.name]["runtimeValue"]["constant"] =
          KfpConstant(*input.literal, ParamType::kString);
    else
      node[IsKfpArtifact(scope, input.ref) ? "artifacts" : "parameters"][input.name] =
          KfpSource(scope, input.ref);
  if (ReadsStatus(step)) node["parameters"][kStatusInput] = KfpFinalStatusSource(scope, step);
  return node;
}

}  // namespace ctp::emit
