#include "values.h"

#include <fmt/format.h>

#include <cstdlib>
#include <stdexcept>

namespace ctp::runner {
namespace {

std::optional<double> Number(const std::string& text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return std::nullopt;
  return value;
}

bool Compare(Condition::Op op, const std::string& lhs, const std::string& rhs) {
  const std::optional<double> a = Number(lhs), b = Number(rhs);
  const int order = a && b                 ? (*a < *b   ? -1
                                              : *a > *b ? 1
                                                        : 0)
                    : lhs.compare(rhs) < 0 ? -1
                    : lhs == rhs           ? 0
                                           : 1;
  switch (op) {
    case Condition::Op::kEq:
      return order == 0;
    case Condition::Op::kNe:
      return order != 0;
    case Condition::Op::kLt:
      return order < 0;
    case Condition::Op::kLe:
      return order <= 0;
    case Condition::Op::kGt:
      return order > 0;
    case Condition::Op::kGe:
      return order >= 0;
    default:
      return false;
  }
}

}  // namespace

std::string JsonText(const nlohmann::json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

std::string ResolveRef(const Ref& ref, const ValueScope& scope) {
  switch (ref.kind) {
    case Ref::Kind::kParam: {
      auto found = scope.params ? scope.params->find(ref.name) : decltype(scope.params->end()){};
      if (!scope.params || found == scope.params->end())
        throw std::runtime_error(fmt::format("parameter '{}' has no value", ref.name));
      return found->second;
    }
    case Ref::Kind::kStepOutput:
      if (!scope.step_output)
        throw std::runtime_error(
            fmt::format("output '{}' of step '{}' is not available here", ref.name, ref.step));
      return scope.step_output(ref);
    case Ref::Kind::kLoopItem: {
      if (!scope.item) throw std::runtime_error("ctp.item used outside a loop");
      if (ref.name.empty()) return JsonText(*scope.item);
      if (!scope.item->is_object() || !scope.item->contains(ref.name))
        throw std::runtime_error(
            fmt::format("loop item {} has no field '{}'", scope.item->dump(), ref.name));
      return JsonText((*scope.item)[ref.name]);
    }
    case Ref::Kind::kWorkflowStatus:
      return scope.workflow_status;
    case Ref::Kind::kWorkflowName:
      return scope.workflow_name;
    case Ref::Kind::kOutputPath:
      if (!scope.output_path)
        throw std::runtime_error(
            fmt::format("ctp.output_path '{}' is not available here", ref.name));
      return scope.output_path(ref.name);
  }
  return {};
}

std::string ResolveTemplate(const Template& value, const ValueScope& scope) {
  std::string text;
  for (const Template::Part& part : value.parts)
    text += part.ref ? ResolveRef(*part.ref, scope) : part.text;
  return text;
}

bool EvaluateCondition(const Condition& condition, const ValueScope& scope) {
  switch (condition.op) {
    case Condition::Op::kAnd:
      for (const Condition& operand : condition.operands)
        if (!EvaluateCondition(operand, scope)) return false;
      return true;
    case Condition::Op::kOr:
      for (const Condition& operand : condition.operands)
        if (EvaluateCondition(operand, scope)) return true;
      return false;
    case Condition::Op::kNot:
      return condition.operands.empty() || !EvaluateCondition(condition.operands[0], scope);
    case Condition::Op::kIn: {
      const std::string lhs = ResolveTemplate(condition.lhs, scope);
      const std::string rhs = ResolveTemplate(condition.rhs, scope);
      nlohmann::json list = nlohmann::json::parse(rhs, nullptr, false);
      if (!list.is_array())
        throw std::runtime_error(fmt::format("'in' needs a JSON list, got {}", rhs));
      for (const auto& item : list)
        if (Compare(Condition::Op::kEq, lhs, JsonText(item))) return true;
      return false;
    }
    default:
      return Compare(condition.op, ResolveTemplate(condition.lhs, scope),
                     ResolveTemplate(condition.rhs, scope));
  }
}

std::vector<nlohmann::json> LoopItems(const Step& step, const ValueScope& scope) {
  std::vector<nlohmann::json> items;
  if (!step.loop) return items;
  if (step.loop->items_ref) {
    const std::string text = ResolveRef(*step.loop->items_ref, scope);
    nlohmann::json list = nlohmann::json::parse(text, nullptr, false);
    if (!list.is_array())
      throw std::runtime_error(
          fmt::format("step '{}': for_each items must be a JSON list, got '{}'", step.name, text));
    for (auto& item : list) items.push_back(item);
    return items;
  }
  for (const std::string& text : step.loop->items) {
    nlohmann::json item = nlohmann::json::parse(text, nullptr, false);
    items.push_back(item.is_discarded() ? nlohmann::json(text) : item);
  }
  return items;
}

}  // namespace ctp::runner
