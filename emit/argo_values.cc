// Argo expressions: references as `{{...}}` variables, `when` conditions, loop items.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "argo.h"
#include "ctp/model/diagnostic.h"
#include "yaml_writer.h"

namespace ctp::emit {
namespace {

bool LiteralNumber(const Template& value) { return value.IsLiteral() && IsNumber(value.Literal()); }

// A govaluate operand: numbers bare, everything else a single-quoted string.
std::string Operand(const std::string& text, bool numeric) {
  return numeric ? text : fmt::format("'{}'", text);
}

std::string JsonOperand(const nlohmann::json& item) {
  if (item.is_number()) return item.dump();
  return fmt::format("'{}'", item.is_string() ? item.get<std::string>() : item.dump());
}

// A quoted expr string literal.
std::string ExprString(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\\' || c == '\'') quoted += '\\';
    quoted += c;
  }
  quoted += '\'';
  return quoted;
}

// The expr (expression tag) variable that holds `ref` in a DAG task's `when`.
std::string ExprVariable(const ArgoScope& scope, const Ref& ref, const Step& step) {
  switch (ref.kind) {
    case Ref::Kind::kParam:
      return fmt::format("{}.parameters[{}]", scope.top_level ? "workflow" : "inputs",
                         ExprString(ref.name));
    case Ref::Kind::kStepOutput:
      if (ProducedKind(*scope.steps, *scope.pipeline, ref) == ValueKind::kParameter)
        return fmt::format("tasks[{}].outputs.parameters[{}]", ExprString(ref.step),
                           ExprString(ref.name));
      break;
    case Ref::Kind::kWorkflowName:
      return "workflow.name";
    default:
      break;
  }
  throw Error(step.location,
              fmt::format("step '{}': Argo can test membership in a run-time list only for "
                          "parameters and step output parameters",
                          step.name));
}

// `value` as an expr string: literal parts quoted, references as variables, joined with `+`.
std::string ExprText(const ArgoScope& scope, const Template& value, const Step& step) {
  std::string text;
  for (const Template::Part& part : value.parts)
    text.append(text.empty() ? "" : " + ")
        .append(part.ref ? ExprVariable(scope, *part.ref, step) : ExprString(part.text));
  return text.empty() ? "''" : text;
}

// `x in LIST` where LIST is a JSON list known at run time: govaluate cannot parse JSON, so this
// part of the condition is an expression tag (Argo 3.1+) that Argo evaluates to true or false
// before it evaluates the rest. Items compare as strings, as the list's values are text.
std::string RunTimeMembership(const ArgoScope& scope, const Condition& c, const Step& step) {
  const Ref* list = c.rhs.SoleRef();
  if (!list)
    throw Error(step.location,
                fmt::format("step '{}': 'in' needs a literal list or one list value", step.name));
  return fmt::format("{{{{=string({}) in map(jsonpath({}, '$'), {{string(#)}})}}}}",
                     ExprText(scope, c.lhs, step), ExprVariable(scope, *list, step));
}

std::string When(const ArgoScope& scope, const Condition& c, const Step& step, bool nested) {
  switch (c.op) {
    case Condition::Op::kAnd:
    case Condition::Op::kOr: {
      std::string text;
      for (const Condition& operand : c.operands) {
        if (!text.empty()) text += c.op == Condition::Op::kAnd ? " && " : " || ";
        text += When(scope, operand, step, true);
      }
      return nested ? fmt::format("({})", text) : text;
    }
    case Condition::Op::kNot:
      if (c.operands.size() != 1)
        throw Error(step.location, fmt::format("step '{}': 'not' takes one condition", step.name));
      return fmt::format("!({})", When(scope, c.operands[0], step, false));
    case Condition::Op::kIn: {
      if (!c.rhs.IsLiteral()) return RunTimeMembership(scope, c, step);
      nlohmann::json list = nlohmann::json::parse(c.rhs.Literal(), nullptr, false);
      if (!list.is_array())
        throw Error(step.location, fmt::format("step '{}': 'in' needs a JSON list, got {}",
                                               step.name, c.rhs.Literal()));
      bool numeric = !list.empty();
      for (const auto& item : list) numeric = numeric && item.is_number();
      std::string items;
      for (const auto& item : list)
        items.append(items.empty() ? "" : ", ").append(JsonOperand(item));
      return fmt::format(
          "{} in ({})", Operand(ArgoExpressionText(scope, c.lhs, ArgoSite::kTask), numeric), items);
    }
    default: {
      const bool numeric = LiteralNumber(c.lhs) || LiteralNumber(c.rhs);
      return fmt::format("{} {} {}",
                         Operand(ArgoExpressionText(scope, c.lhs, ArgoSite::kTask), numeric),
                         OperatorSymbol(c.op),
                         Operand(ArgoExpressionText(scope, c.rhs, ArgoSite::kTask), numeric));
    }
  }
}

}  // namespace

std::string ArgoExpression(const ArgoScope& scope, const Ref& ref, ArgoSite site) {
  switch (ref.kind) {
    case Ref::Kind::kParam:
      return fmt::format("{{{{{}.parameters.{}}}}}", scope.top_level ? "workflow" : "inputs",
                         ref.name);
    case Ref::Kind::kStepOutput: {
      const bool artifact =
          ProducedKind(*scope.steps, *scope.pipeline, ref) != ValueKind::kParameter;
      const char* kind = artifact ? "artifacts" : "parameters";
      if (site == ArgoSite::kExitHandler)
        return fmt::format("{{{{workflow.outputs.{}.{}-{}}}}}", kind, ref.step, ref.name);
      return fmt::format("{{{{tasks.{}.outputs.{}.{}}}}}", ref.step, kind, ref.name);
    }
    case Ref::Kind::kLoopItem:
      return ref.name.empty() ? "{{item}}" : fmt::format("{{{{item.{}}}}}", ref.name);
    case Ref::Kind::kWorkflowStatus:
      return "{{workflow.status}}";
    case Ref::Kind::kWorkflowName:
      return "{{workflow.name}}";
    case Ref::Kind::kOutputPath:
      return {};
  }
  return {};
}

std::string ArgoExpressionText(const ArgoScope& scope, const Template& value, ArgoSite site) {
  std::string text;
  for (const Template::Part& part : value.parts)
    text += part.ref ? ArgoExpression(scope, *part.ref, site) : part.text;
  return text;
}

std::string ArgoWhen(const ArgoScope& scope, const Condition& condition, const Step& step) {
  return When(scope, condition, step, false);
}

YamlValue ArgoWithItems(const Loop& loop, const Step& step) {
  YamlValue items = YamlValue::EmptySequence();
  for (const std::string& text : loop.items) {
    nlohmann::json item = nlohmann::json::parse(text, nullptr, false);
    if (item.is_discarded())
      throw Error(step.location,
                  fmt::format("step '{}': loop item {} is not JSON", step.name, text));
    items.PushBack(JsonToYaml(item));
  }
  return items;
}

}  // namespace ctp::emit
