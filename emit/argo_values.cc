// Argo expressions: references as `{{...}}` variables, `when` conditions, loop items.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "argo.h"
#include "ctp/diagnostic.h"
#include "yaml_writer.h"

namespace ctp::detail {
namespace {

bool LiteralNumber(const Template& value) { return value.IsLiteral() && IsNumber(value.Literal()); }

// A govaluate operand: numbers bare, everything else a single-quoted string.
std::string Operand(const std::string& text, bool numeric) {
  return numeric ? text : "'" + text + "'";
}

std::string JsonOperand(const nlohmann::json& item) {
  if (item.is_number()) return item.dump();
  return "'" + (item.is_string() ? item.get<std::string>() : item.dump()) + "'";
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
      return nested ? "(" + text + ")" : text;
    }
    case Condition::Op::kNot:
      if (c.operands.size() != 1)
        throw Error(step.location, fmt::format("step '{}': 'not' takes one condition", step.name));
      return "!(" + When(scope, c.operands[0], step, false) + ")";
    case Condition::Op::kIn: {
      if (!c.rhs.IsLiteral())
        throw Error(step.location,
                    fmt::format("step '{}': Argo cannot test membership in a run-time list; "
                                "use a literal list",
                                step.name));
      nlohmann::json list = nlohmann::json::parse(c.rhs.Literal(), nullptr, false);
      if (!list.is_array())
        throw Error(step.location, fmt::format("step '{}': 'in' needs a JSON list, got {}",
                                               step.name, c.rhs.Literal()));
      bool numeric = !list.empty();
      for (const auto& item : list) numeric = numeric && item.is_number();
      std::string items;
      for (const auto& item : list) items += (items.empty() ? "" : ", ") + JsonOperand(item);
      return Operand(ArgoExpressionText(scope, c.lhs, ArgoSite::kTask), numeric) + " in (" + items +
             ")";
    }
    default: {
      const bool numeric = LiteralNumber(c.lhs) || LiteralNumber(c.rhs);
      return Operand(ArgoExpressionText(scope, c.lhs, ArgoSite::kTask), numeric) + " " +
             OperatorSymbol(c.op) + " " +
             Operand(ArgoExpressionText(scope, c.rhs, ArgoSite::kTask), numeric);
    }
  }
}

}  // namespace

std::string ArgoExpression(const ArgoScope& scope, const Ref& ref, ArgoSite site) {
  switch (ref.kind) {
    case Ref::Kind::kParam:
      return scope.top_level ? "{{workflow.parameters." + ref.name + "}}"
                             : "{{inputs.parameters." + ref.name + "}}";
    case Ref::Kind::kStepOutput: {
      const bool artifact = ProducedKind(*scope.pipeline, ref) != ValueKind::kParameter;
      const char* kind = artifact ? "artifacts" : "parameters";
      if (site == ArgoSite::kExitHandler)
        return fmt::format("{{{{workflow.outputs.{}.{}-{}}}}}", kind, ref.step, ref.name);
      return fmt::format("{{{{tasks.{}.outputs.{}.{}}}}}", ref.step, kind, ref.name);
    }
    case Ref::Kind::kLoopItem:
      return ref.name.empty() ? "{{item}}" : "{{item." + ref.name + "}}";
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

YAML::Node ArgoWithItems(const Loop& loop, const Step& step) {
  YAML::Node items(YAML::NodeType::Sequence);
  for (const std::string& text : loop.items) {
    nlohmann::json item = nlohmann::json::parse(text, nullptr, false);
    if (item.is_discarded())
      throw Error(step.location,
                  fmt::format("step '{}': loop item {} is not JSON", step.name, text));
    items.push_back(JsonToYaml(item));
  }
  return items;
}

}  // namespace ctp::detail
