#include "template_reuse.h"

#include <algorithm>
#include <cctype>
#include <utility>

namespace ctp::emit {
namespace {

// The `step` of the references that stand for lifted literals: no step has this name (names are
// DNS labels), so they never equal a parameter reference.
constexpr const char* kLiftedLiteral = "{literal}";

bool Taken(const std::vector<StepInput>& inputs, const std::string& name) {
  return std::any_of(inputs.begin(), inputs.end(),
                     [&](const StepInput& input) { return input.name == name; });
}

std::string UniqueInputName(const std::vector<StepInput>& inputs, const std::string& base) {
  std::string name = base.empty() ? "input" : base;
  for (int n = 2; Taken(inputs, name); ++n) name = base + "-" + std::to_string(n);
  return name;
}

// Lifts `value` when it is a literal an engine passes unchanged.
bool Liftable(const Template& value) {
  return value.IsLiteral() && value.Literal().find("{{") == std::string::npos;
}

Template LiftInto(const Template& value, const std::string& base, std::vector<StepInput>& literals) {
  const std::string name = UniqueInputName(literals, SafeName(base));
  Ref ref{Ref::Kind::kParam, kLiftedLiteral, name};
  literals.push_back({ref, name, "", value.Literal()});
  return Template::Of(std::move(ref));
}

// `NAME` when `text` is `NAME=` or `--NAME=` (the literal text before a value), else empty.
std::string AssignedName(const std::string& text) {
  if (text.size() < 2 || text.back() != '=') return {};
  std::string name = text.substr(0, text.size() - 1);
  name.erase(0, name.find_first_not_of('-'));
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.') return {};
  return name;
}

// `NAME` when `element` is the literal flag `-NAME` or `--NAME`, else empty.
std::string FlagName(const Template& element) {
  if (!element.IsLiteral()) return {};
  const std::string text = element.Literal();
  if (text.size() < 2 || text[0] != '-') return {};
  std::string name = text.substr(text.find_first_not_of('-') == std::string::npos
                                     ? text.size()
                                     : text.find_first_not_of('-'));
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.') return {};
  return name;
}

bool IsInputRef(const Ref& ref) {
  return ref.kind == Ref::Kind::kParam || ref.kind == Ref::Kind::kStepOutput ||
         ref.kind == Ref::Kind::kLoopItem;
}

void AddInput(std::vector<StepInput>& inputs, const Ref& ref, const std::string& role) {
  if (FindStepInput(inputs, ref)) return;
  const std::string name = UniqueInputName(inputs, SafeName(role));
  inputs.push_back({ref, name, "/tmp/inputs/" + name, std::nullopt});
}

// Names the references of a command or args list after where they are used: the component input
// an element is (`roles`, by index), `NAME=...`, the flag before it, else `LIST-N`.
void AddListInputs(const char* list_name, const std::vector<Template>& list,
                   const std::vector<std::string>& roles, std::vector<StepInput>& inputs) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    std::string before;  // the element's literal text before the reference
    for (const Template::Part& part : list[i].parts) {
      if (!part.ref) {
        before += part.text;
        continue;
      }
      if (IsInputRef(*part.ref) && part.ref->step != kLiftedLiteral) {
        std::string role = i < roles.size() ? roles[i] : "";
        if (role.empty()) role = AssignedName(before);
        if (role.empty() && before.empty() && i > 0) role = FlagName(list[i - 1]);
        if (role.empty()) role = std::string(list_name) + "-" + std::to_string(i + 1);
        AddInput(inputs, *part.ref, role);
      }
      before.clear();
    }
  }
}

bool IsWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// What the names of `steps` have in common, cut at a word boundary (`-`, `_`); empty if nothing.
std::string CommonName(const std::vector<const Step*>& steps) {
  const std::string& first = steps.front()->name;
  std::size_t n = first.size();
  for (const Step* step : steps) {
    std::size_t same = 0;
    while (same < n && same < step->name.size() && first[same] == step->name[same]) ++same;
    n = same;
  }
  std::string prefix = first.substr(0, n);
  for (const Step* step : steps)
    if (n > 0 && n < step->name.size() && IsWordChar(step->name[n - 1]) &&
        IsWordChar(step->name[n])) {  // `step-1` of `step-10`, `step-11`: back to `step`
      const std::size_t separator = prefix.find_last_of("-_");
      prefix.resize(separator == std::string::npos ? 0 : separator);
      break;
    }
  while (!prefix.empty() && !IsWordChar(prefix.back())) prefix.pop_back();
  return prefix;
}

}  // namespace

LiftedStep LiftArguments(const Step& step) {
  LiftedStep lifted{step, {}};
  switch (step.kind) {
    case Step::Kind::kNative:
    case Step::Kind::kLua:
      for (Input& input : lifted.step.inputs)
        if (Liftable(input.value)) input.value = LiftInto(input.value, input.name, lifted.literals);
      break;
    case Step::Kind::kContainer:
      for (const ComponentArgument& argument : step.component_arguments) {
        std::vector<Template>& list = argument.in_args ? lifted.step.args : lifted.step.command;
        if (argument.index < list.size() && Liftable(list[argument.index]))
          list[argument.index] = LiftInto(list[argument.index], argument.input, lifted.literals);
      }
      break;
    case Step::Kind::kPipeline:
      break;
  }
  return lifted;
}

TemplateShape SharedShape(const LiftedStep& lifted, ClusterContainer container) {
  TemplateShape shape{std::move(container), lifted.literals};
  std::vector<std::string> command_roles, args_roles;
  if (lifted.step.kind == Step::Kind::kContainer)
    for (const ComponentArgument& argument : lifted.step.component_arguments) {
      std::vector<std::string>& roles = argument.in_args ? args_roles : command_roles;
      if (roles.size() <= argument.index) roles.resize(argument.index + 1);
      roles[argument.index] = argument.input;
    }
  AddListInputs("command", shape.container.command, command_roles, shape.inputs);
  AddListInputs("args", shape.container.args, args_roles, shape.inputs);
  if (lifted.step.IsScript()) AddListInputs("source", {lifted.step.source}, {}, shape.inputs);
  for (const EnvVar& var : lifted.step.env)
    if (!var.secret && !var.vault)
      for (const Template::Part& part : var.value.parts)
        if (part.ref && IsInputRef(*part.ref)) AddInput(shape.inputs, *part.ref, var.name);
  return shape;
}

TemplateShape OwnShape(const Step& step, ClusterContainer container) {
  return {std::move(container), CollectStepInputs(step)};
}

void TemplateReuse::Record(const Step& step, std::string body) {
  auto [found, added] = by_body_.emplace(std::move(body), members_.size());
  if (added) members_.emplace_back();
  members_[found->second].push_back(&step);
  of_step_[&step] = found->second;
}

std::optional<std::size_t> TemplateReuse::GroupOf(const Step& step) const {
  auto found = of_step_.find(&step);
  if (found == of_step_.end() || members_[found->second].size() < 2) return std::nullopt;
  return found->second;
}

bool TemplateReuse::FirstOfGroup(const Step& step) const {
  std::optional<std::size_t> group = GroupOf(step);
  return group && members_[*group].front() == &step;
}

std::string TemplateReuse::DefinitionName(std::size_t group) const {
  const std::vector<const Step*>& steps = members_[group];
  const Step& first = *steps.front();
  if (first.kind == Step::Kind::kNative) return first.native;
  if (!first.component.empty()) return first.component;
  std::string common = CommonName(steps);
  return common.empty() ? first.name : common;
}

std::vector<std::size_t> TemplateReuse::Groups() const {
  std::vector<std::size_t> groups;
  for (std::size_t group = 0; group < members_.size(); ++group)
    if (members_[group].size() >= 2) groups.push_back(group);
  return groups;
}

}  // namespace ctp::emit
