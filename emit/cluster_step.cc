#include "cluster_step.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "ctp/model/diagnostic.h"

namespace ctp::emit {

std::string SafeName(std::string name) {
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') c = '-';
  return name;
}

namespace {

std::string BaseInputName(const Ref& ref) {
  switch (ref.kind) {
    case Ref::Kind::kParam:
      return SafeName(ref.name);
    case Ref::Kind::kStepOutput:
      return SafeName(ref.step + "-" + ref.name);
    case Ref::Kind::kLoopItem:
      return ref.name.empty() ? "item" : SafeName("item-" + ref.name);
    default:
      return {};
  }
}

bool SameVolume(const Volume& a, const Volume& b) {
  return a.kind == b.kind && a.claim == b.claim && a.size == b.size &&
         a.access_modes == b.access_modes && a.storage_class == b.storage_class &&
         a.secret == b.secret;
}

void CollectVolumes(const Pipeline& pipeline, std::vector<const Volume*>& volumes) {
  for (const Volume& volume : pipeline.volumes) {
    auto same_name = std::find_if(volumes.begin(), volumes.end(),
                                  [&](const Volume* v) { return v->name == volume.name; });
    if (same_name == volumes.end())
      volumes.push_back(&volume);
    else if (!SameVolume(**same_name, volume))
      throw Error(volume.location,
                  fmt::format("pipeline '{}' declares volume '{}' unlike another pipeline of the "
                              "workflow ({}:{}): Argo gives a workflow one set of volumes",
                              pipeline.name, volume.name, (*same_name)->location.file,
                              (*same_name)->location.line));
  }
  for (const Step& step : pipeline.steps)
    if (step.kind == Step::Kind::kPipeline && step.pipeline)
      CollectVolumes(*step.pipeline, volumes);
  if (pipeline.on_exit && pipeline.on_exit->kind == Step::Kind::kPipeline &&
      pipeline.on_exit->pipeline)
    CollectVolumes(*pipeline.on_exit->pipeline, volumes);
}

}  // namespace

std::vector<StepInput> CollectStepInputs(const Step& step) {
  std::vector<StepInput> inputs;
  for (const Ref& ref : ContainerRefs(step)) {
    if (ref.kind != Ref::Kind::kParam && ref.kind != Ref::Kind::kStepOutput &&
        ref.kind != Ref::Kind::kLoopItem)
      continue;
    if (FindStepInput(inputs, ref)) continue;
    const std::string base = BaseInputName(ref);
    std::string name = base;
    for (int n = 2; std::any_of(inputs.begin(), inputs.end(),
                                [&](const StepInput& in) { return in.name == name; });
         ++n)
      name = base + "-" + std::to_string(n);
    inputs.push_back({ref, name, ref.kind == Ref::Kind::kStepOutput ? ClusterInputPath(ref) : "",
                      std::nullopt});
  }
  return inputs;
}

const StepInput* FindStepInput(const std::vector<StepInput>& inputs, const Ref& ref) {
  for (const StepInput& input : inputs)
    if (input.ref == ref) return &input;
  return nullptr;
}

const Output* FindOutput(const Step& step, const std::string& name) {
  for (const Output& output : step.outputs)
    if (output.name == name) return &output;
  return nullptr;
}

ValueKind ProducedKind(const StepLookup& steps, const Pipeline& pipeline, const Ref& ref) {
  const Step* producer = steps.Find(pipeline, ref.step);
  return producer ? producer->OutputKind(ref.name) : ValueKind::kParameter;
}

bool IsStdoutRef(const StepLookup& steps, const Pipeline& pipeline, const Ref& ref) {
  const Step* producer = steps.Find(pipeline, ref.step);
  return ref.kind == Ref::Kind::kStepOutput && producer && producer->StdoutOutput(ref.name);
}

ClusterContainer ClusterContainerOf(const Step& step, const Pipeline& scope, const Pipeline& root,
                                    const EmitOptions& options) {
  ClusterContainer container;
  if (step.kind == Step::Kind::kContainer) {
    container.image = !step.image.empty()    ? step.image
                      : !scope.image.empty() ? scope.image
                                             : root.image;
    if (container.image.empty())
      throw Error(
          step.location,
          fmt::format("container step '{}' has no image (set one on the step or the pipeline)",
                      step.name));
    container.command = step.command;
    container.args = step.args;
    return container;
  }
  container.image = !options.ctp_image.empty() ? options.ctp_image
                    : !scope.ctp_image.empty() ? scope.ctp_image
                                               : root.ctp_image;
  if (container.image.empty())
    throw Error(step.location,
                fmt::format("{} step '{}' runs in the ctp image, but none is set (set ctp_image on "
                            "the pipeline or pass --image to ctp emit)",
                            StepKindName(step.kind), step.name));
  container.command = CtpImageCommand(step);
  return container;
}

std::optional<Retry> EffectiveRetry(const Step& step, const Pipeline& scope) {
  if (step.retry) return step.retry;
  return scope.retry;
}

std::string DurationText(std::chrono::milliseconds duration) {
  const int64_t ms = duration.count();
  if (ms % 1000 == 0) return fmt::format("{}s", ms / 1000);
  std::string fraction = fmt::format("{:03}", ms % 1000);
  fraction.erase(fraction.find_last_not_of('0') + 1);
  return fmt::format("{}.{}s", ms / 1000, fraction);
}

bool IsNumber(const std::string& text) {
  if (text.empty() || std::isspace(static_cast<unsigned char>(text[0]))) return false;
  char* end = nullptr;
  std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size() && text.find_first_of("xXnN") == std::string::npos;
}

const Pipeline& SubPipelineOf(const Step& step) {
  if (!step.pipeline)
    throw Error(step.location, fmt::format("sub-pipeline step '{}' has no pipeline", step.name));
  const Pipeline& inner = *step.pipeline;
  if (inner.on_exit)
    throw Error(step.location,
                fmt::format("sub-pipeline step '{}' runs pipeline '{}', which has its own exit "
                            "handler '{}' ({}): a cluster runs only the exit handler of the "
                            "pipeline being emitted (declare it there)",
                            step.name, inner.name, inner.on_exit->name,
                            inner.on_exit->location.file + ":" +
                                std::to_string(inner.on_exit->location.line)));
  return inner;
}

std::vector<const Volume*> WorkflowVolumes(const Pipeline& root) {
  std::vector<const Volume*> volumes;
  CollectVolumes(root, volumes);
  return volumes;
}

std::string DoubleLiteral(const std::string& number) {
  return number.find_first_of(".eE") == std::string::npos ? number + ".0" : number;
}

std::vector<std::string> LiteralListItems(const Condition& c, const Step& step) {
  const nlohmann::json list = nlohmann::json::parse(c.rhs.Literal(), nullptr, false);
  if (!list.is_array())
    throw Error(step.location, fmt::format("step '{}': 'in' needs a JSON list, got {}", step.name,
                                           c.rhs.Literal()));
  std::vector<std::string> items;
  for (const nlohmann::json& item : list)
    items.push_back(item.is_string() ? item.get<std::string>() : item.dump());
  return items;
}

void RefuseLoopingExitHandler(const Step& exit) {
  if (exit.loop)
    throw Error(exit.location,
                fmt::format("the exit handler '{}' loops (for_each): a cluster runs an exit "
                            "handler once (Argo's onExit, KFP's exit task), where ctp run runs "
                            "it per item (loop inside the handler, or make it a sub-pipeline with "
                            "a looping step)",
                            exit.name));
}

}  // namespace ctp::emit
