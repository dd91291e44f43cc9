#include "task_builder.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "container_runtime.h"
#include "ctp/runner/process_launcher.h"
#include "fingerprint.h"

namespace ctp::runner {
namespace {

namespace fs = std::filesystem;

bool IsPathCharacter(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' ||
         c == '/';
}

ValueKind OutputKind(const Pipeline& pipeline, const Ref& ref) {
  if (const Step* producer = pipeline.FindStep(ref.step)) return producer->OutputKind(ref.name);
  return ValueKind::kParameter;
}

// Container path → local path for the step's mounts and declared output paths; the local folders
// of the mounts go to `host_mounts`.
std::vector<std::pair<std::string, std::string>> PathMapping(const Step& step, const Task& task,
                                                             const TaskInputs& inputs,
                                                             std::vector<HostMount>& host_mounts) {
  std::vector<std::pair<std::string, std::string>> mapping;
  for (const Mount& mount : step.mounts) {
    const Volume* volume = inputs.pipeline->FindVolume(mount.volume);
    if (!volume) continue;
    fs::path local = volume->kind == Volume::Kind::kEmptyDir ? task.dir / ".scratch" / volume->name
                                                             : VolumeFolder(*volume, inputs);
    if (!mount.sub_path.empty()) local /= mount.sub_path;
    fs::create_directories(local);
    mapping.emplace_back(mount.path, fs::absolute(local).lexically_normal().string());
    host_mounts.push_back({mapping.back().second, mount.read_only});
  }
  for (const Output& output : step.outputs)
    if (!output.path.empty())
      mapping.emplace_back(output.path, (StagingOutputs(task) / output.name).string());
  std::sort(mapping.begin(), mapping.end(),
            [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  return mapping;
}

// The cache key: the step's resolved spec with run-specific paths replaced by what they stand for
// (output paths by their names, artifacts by their content hashes), secrets by their references.
std::string Fingerprint(const Step& step, const TaskInputs& inputs, const nlohmann::json* item) {
  ValueScope scope = MakeScope(inputs, item);
  const Pipeline& pipeline = *inputs.pipeline;
  auto real_output = scope.step_output;
  scope.step_output = [&pipeline, real_output](const Ref& ref) {
    std::string value = real_output(ref);
    if (OutputKind(pipeline, ref) == ValueKind::kParameter || value.rfind("[", 0) == 0)
      return value;
    return "sha256:" + HashPath(value);
  };
  scope.output_path = [](const std::string& name) { return "{{outputs." + name + "}}"; };
  Sha256 hash;
  hash.Field(StepKindName(step.kind));
  hash.Field(step.native);
  if (step.kind == Step::Kind::kNative)
    if (const NativeStep* native = inputs.registry->Find(step.native)) hash.Field(native->version);
  hash.Field(step.lua_source);
  for (const Template& part : step.command) hash.Field(ResolveTemplate(part, scope));
  if (step.IsScript()) hash.Field("source:" + ResolveTemplate(step.source, scope));
  hash.Field("args");
  for (const Template& part : step.args) hash.Field(ResolveTemplate(part, scope));
  for (const EnvVar& env : step.env) {
    hash.Field(env.name);
    if (env.secret)
      hash.Field("secret:" + env.secret->secret + "/" + env.secret->key);
    else if (env.vault)
      hash.Field("vault:" + env.vault->path + "#" + env.vault->key);
    else
      hash.Field(ResolveTemplate(env.value, scope));
  }
  for (const Input& input : step.inputs) {
    hash.Field(input.name);
    hash.Field(ResolveTemplate(input.value, scope));
  }
  for (const Output& output : step.outputs) {
    hash.Field(output.name);
    hash.Field(ValueKindName(output.kind));
    hash.Field(output.path);
    if (output.from_stdout) hash.Field("stdout");
  }
  for (const Mount& mount : step.mounts)
    hash.Field(mount.volume + ":" + mount.path + ":" + mount.sub_path);
  hash.Field(step.working_dir);
  hash.Field(item ? item->dump() : "");
  return hash.HexDigest();
}

bool WritesToVolume(const Step& step, const Pipeline& pipeline) {
  for (const Mount& mount : step.mounts) {
    const Volume* volume = pipeline.FindVolume(mount.volume);
    if (volume && !mount.read_only &&
        (volume->kind == Volume::Kind::kExistingClaim || volume->kind == Volume::Kind::kNewClaim))
      return true;
  }
  return false;
}

// Wraps the task's command in `<runtime> run ...`: the run folders (this task's outputs, the
// artifacts it reads) and the volume folders are mounted at the paths the command names.
void InContainer(const Step& step, const TaskInputs& inputs, std::vector<HostMount> host_mounts,
                 Task& task) {
  ContainerRun run;
  run.runtime = inputs.runtime;
  run.name = ContainerName(inputs.run_id, task.name);
  const fs::path runs = fs::absolute(inputs.workspace->RunDir(inputs.run_id)).parent_path();
  run.mounts.push_back({runs.lexically_normal().string(), false});
  run.mounts.insert(run.mounts.end(), host_mounts.begin(), host_mounts.end());
  for (const auto& [name, value] : task.env) run.env_names.push_back(name);
  if (!step.working_dir.empty()) run.working_dir = task.working_dir.string();
  if (run.working_dir.empty()) run.working_dir = step.working_dir;
  run.command = std::move(task.argv);
  task.argv = ContainerArgv(step, run);
  task.stop_argv = ContainerKillArgv(run.runtime, run.name);
  task.working_dir.clear();
}

}  // namespace

std::string MapContainerPaths(const std::string& text,
                              const std::vector<std::pair<std::string, std::string>>& mapping) {
  std::string result;
  std::size_t i = 0;
  while (i < text.size()) {
    const bool starts_path = i == 0 || !IsPathCharacter(text[i - 1]);
    const std::pair<std::string, std::string>* match = nullptr;
    for (const auto& entry : starts_path ? mapping : decltype(mapping){}) {
      const std::string& from = entry.first;
      const std::size_t end = i + from.size();
      if (from.empty() || text.compare(i, from.size(), from) != 0) continue;
      if (end < text.size() && text[end] != '/' && IsPathCharacter(text[end])) continue;
      match = &entry;
      break;
    }
    if (!match) {
      result += text[i++];
      continue;
    }
    result += match->second;
    i += match->first.size();
  }
  return result;
}

fs::path VolumeFolder(const Volume& volume, const TaskInputs& inputs) {
  const std::string claim = volume.claim.empty() ? volume.name : volume.claim;
  if (inputs.volumes) {
    if (auto found = inputs.volumes->find(claim); found != inputs.volumes->end())
      return found->second;
    if (auto found = inputs.volumes->find(volume.name); found != inputs.volumes->end())
      return found->second;
  }
  return inputs.workspace->VolumeDir(claim);
}

ValueScope MakeScope(const TaskInputs& inputs, const nlohmann::json* item) {
  ValueScope scope;
  scope.params = inputs.params;
  const auto* outputs = inputs.step_outputs;
  scope.step_output = [outputs, prefix = inputs.prefix](const Ref& ref) -> std::string {
    const std::string producer = prefix + ref.step;
    auto step = outputs ? outputs->find(producer) : decltype(outputs->end()){};
    if (!outputs || step == outputs->end())
      throw std::runtime_error(fmt::format("step '{}' has not produced outputs", producer));
    auto value = step->second.find(ref.name);
    if (value == step->second.end())
      throw std::runtime_error(fmt::format("step '{}' has no output '{}'", producer, ref.name));
    return value->second;
  };
  scope.item = item;
  scope.workflow_status = inputs.workflow_status;
  scope.workflow_name = inputs.run_id;
  return scope;
}

Task BuildTask(const Step& step, const TaskInputs& inputs, int index, const nlohmann::json& item) {
  Task task;
  task.step = &step;
  task.index = index;
  task.item = item;
  task.node = inputs.prefix + step.name;
  task.name = index < 0 ? task.node : fmt::format("{}[{}]", task.node, index);
  task.dir = fs::absolute(inputs.workspace->TaskDir(inputs.run_id, task.name)).lexically_normal();
  const nlohmann::json* item_pointer = index < 0 ? nullptr : &task.item;
  ValueScope scope = MakeScope(inputs, item_pointer);
  const fs::path staging = StagingOutputs(task);
  scope.output_path = [staging](const std::string& name) { return (staging / name).string(); };
  std::vector<HostMount> host_mounts;
  const auto mapping = PathMapping(step, task, inputs, host_mounts);
  auto resolve = [&](const Template& value) {
    return MapContainerPaths(ResolveTemplate(value, scope), mapping);
  };
  if (step.kind == Step::Kind::kContainer) {
    for (const Template& part : step.command) task.argv.push_back(resolve(part));
    for (const Template& part : step.args) task.argv.push_back(resolve(part));
    if (step.IsScript()) {  // as Argo runs a script template: the source's path after the command
      task.script_source = resolve(step.source);
      task.argv.push_back(ScriptFile(task).string());
    }
    if (!task.argv.empty() && task.argv[0] == "ctp" && inputs.runtime.empty())
      if (std::filesystem::path ctp = FindStepProgram("ctp"); !ctp.empty()) task.argv[0] = ctp;
    for (const EnvVar& env : step.env) {
      std::optional<std::string> value;
      if (env.secret)
        value = inputs.secrets->Secret(*env.secret);
      else if (env.vault)
        value = inputs.secrets->Vault(*env.vault, inputs.pipeline->vault_path);
      else
        value = resolve(env.value);
      if (value) task.env[env.name] = *value;
    }
    if (!step.working_dir.empty()) {
      const fs::path dir = MapContainerPaths(step.working_dir, mapping);
      if (fs::is_directory(dir)) task.working_dir = dir;
    }
    if (!inputs.runtime.empty()) InContainer(step, inputs, host_mounts, task);
  } else {
    for (const Input& input : step.inputs) task.inputs[input.name] = resolve(input.value);
  }
  if (step.timeout_seconds) task.timeout = std::chrono::seconds(*step.timeout_seconds);
  task.fingerprint = Fingerprint(step, inputs, item_pointer);
  // The exit handler reports on this run (notifications, summaries): it always runs.
  const bool exit_handler = inputs.exit_handler || (inputs.pipeline->on_exit &&
                                                   inputs.pipeline->on_exit->name == step.name);
  task.cacheable = step.cache && !exit_handler && !WritesToVolume(step, *inputs.pipeline);
  return task;
}

}  // namespace ctp::runner
