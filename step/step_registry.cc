#include "ctp/step/step_registry.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "ctp/base/atomic_file.h"

namespace ctp {
namespace {

// [a-z][a-z0-9_]*: the name a script calls the step by (`native.NAME`) and `ctp step NAME` runs.
bool IsNativeStepName(const std::string& name) {
  auto lower = [](char c) { return c >= 'a' && c <= 'z'; };
  return !name.empty() && lower(name.front()) && std::all_of(name.begin(), name.end(), [&](char c) {
    return lower(c) || (c >= '0' && c <= '9') || c == '_';
  });
}

}  // namespace

std::filesystem::path StepContext::OutputPath(const std::string& name) const {
  auto found = output_paths.find(name);
  return found != output_paths.end() ? found->second : output_dir / name;
}

void StepContext::WriteOutput(const std::string& name, const std::string& value) const {
  base::WriteFileAtomically(OutputPath(name), value);
}

void RunNativeStep(const NativeStep& step, StepContext& context) {
  context.values = ArgValues::Resolve(step.name, step.args, context.args);
  step.run(context);
}

void StepRegistry::Register(NativeStep step) {
  if (!IsNativeStepName(step.name))
    throw std::invalid_argument(
        fmt::format("native step name '{}' must be lowercase letters, digits and '_'", step.name));
  if (steps_.count(step.name))
    throw std::invalid_argument(fmt::format("native step '{}' is already registered", step.name));
  for (const NativeArg& arg : step.args) CheckArgDeclaration(step.name, arg);
  std::string name = step.name;
  steps_.emplace(std::move(name), std::move(step));
}

const NativeStep* StepRegistry::Find(const std::string& name) const {
  auto found = steps_.find(name);
  return found == steps_.end() ? nullptr : &found->second;
}

std::vector<std::string> StepRegistry::Names() const {
  std::vector<std::string> names;
  for (const auto& [name, step] : steps_) names.push_back(name);
  return names;
}

StepRegistry& StepRegistry::Default() {
  static StepRegistry registry;
  return registry;
}

}  // namespace ctp
