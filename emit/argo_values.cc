// Argo expressions: references as `{{...}}` variables, `when` conditions, loop items.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "argo.h"
#include "ctp/model/diagnostic.h"
#include "yaml_writer.h"

namespace ctp::emit {
namespace {

// A govaluate string literal: the text in single quotes (govaluate reads no escapes).
std::string QuotedOperand(const std::string& text, const Step& step) {
  if (text.find('\'') != std::string::npos)
    throw Error(step.location,
                fmt::format("step '{}': Argo cannot compare text containing a single quote "
                            "({}) in a condition",
                            step.name, text));
  return fmt::format("'{}'", text);
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

// How a reference reads in a message.
std::string RefName(const Ref& ref) {
  switch (ref.kind) {
    case Ref::Kind::kStepOutput:
      return fmt::format("artifact '{}' of step '{}'", ref.name, ref.step);
    case Ref::Kind::kLoopItem:
      return "the loop item";
    case Ref::Kind::kWorkflowStatus:
      return "ctp.workflow.status";
    default:
      return "this value";
  }
}

// The expr (expression tag) variable that holds `ref` in a DAG task's `when`.
std::string ExprVariable(const ArgoScope& scope, const Ref& ref, const Step& step) {
  switch (ref.kind) {
    case Ref::Kind::kParam:
      return fmt::format("{}.parameters[{}]", scope.top_level ? "workflow" : "inputs",
                         ExprString(ref.name));
    case Ref::Kind::kStepOutput:
      if (IsStdoutRef(*scope.steps, *scope.pipeline, ref))
        return fmt::format("tasks[{}].outputs.result", ExprString(ref.step));
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
              fmt::format("step '{}': Argo cannot read {} in an expression tag ({{{{=...}}}}), "
                          "which this comparison needs for its parameters and step outputs",
                          step.name, RefName(ref)));
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

// Whether a comparison reads parameters or step outputs (then it is an expression tag).
bool ReadsRunTimeValues(const Condition& c) {
  for (const Template* side : {&c.lhs, &c.rhs})
    for (const Template::Part& part : side->parts)
      if (part.ref && (part.ref->kind == Ref::Kind::kParam || part.ref->kind == Ref::Kind::kStepOutput))
        return true;
  return false;
}

// One side of a comparison in an expression tag: numbers through asFloat, text as expr strings.
std::string ExprSide(const ArgoScope& scope, const Condition& c, const Template& side,
                     const Step& step) {
  if (c.compare == Condition::Compare::kText) return ExprText(scope, side, step);
  if (side.IsLiteral()) return DoubleLiteral(side.Literal());
  const Ref* ref = side.SoleRef();
  if (!ref) throw Error(step.location, fmt::format("step '{}': a number comparison reads text "
                                                   "built from several values",
                                                   step.name));
  return fmt::format("asFloat({})", ExprVariable(scope, *ref, step));
}

// A comparison that reads parameters or step outputs: an expression tag (Argo 3.1+), evaluated by
// expr to true or false before govaluate reads the condition. Values are variables, never text
// pasted into the expression, so no value changes its shape; numbers go through asFloat (Go's
// strconv.ParseFloat: anything else is an error, as in ctp run and KFP's double()).
std::string ExprComparison(const ArgoScope& scope, const Condition& c, const Step& step) {
  const std::string lhs = ExprSide(scope, c, c.lhs, step);
  if (c.op != Condition::Op::kIn)
    return fmt::format("{{{{={} {} {}}}}}", lhs, OperatorSymbol(c.op),
                       ExprSide(scope, c, c.rhs, step));
  std::string items;
  for (const std::string& item : LiteralListItems(c, step))
    items.append(items.empty() ? "" : ", ")
        .append(c.compare == Condition::Compare::kNumber ? DoubleLiteral(item) : ExprString(item));
  return fmt::format("{{{{={} in [{}]}}}}", lhs, items);
}

// A comparison of loop items, ctp.workflow.* and literals: govaluate operands, after Argo
// substitutes the values (loop items are literal, so known to be numbers or text): numbers bare,
// text in single quotes.
std::string GovaluateComparison(const ArgoScope& scope, const Condition& c, const Step& step) {
  const bool numeric = c.compare == Condition::Compare::kNumber;
  auto operand = [&](const std::string& text) {
    return numeric ? text : QuotedOperand(text, step);
  };
  const std::string lhs = operand(ArgoExpressionText(scope, c.lhs, ArgoSite::kTask));
  if (c.op != Condition::Op::kIn)
    return fmt::format("{} {} {}", lhs, OperatorSymbol(c.op),
                       operand(ArgoExpressionText(scope, c.rhs, ArgoSite::kTask)));
  std::string items;
  for (const std::string& item : LiteralListItems(c, step))
    items.append(items.empty() ? "" : ", ").append(operand(item));
  return fmt::format("{} in ({})", lhs, items);
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
    case Condition::Op::kIn:
      if (!c.rhs.IsLiteral()) return RunTimeMembership(scope, c, step);
      [[fallthrough]];
    default:
      return ReadsRunTimeValues(c) ? ExprComparison(scope, c, step)
                                   : GovaluateComparison(scope, c, step);
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
      if (site != ArgoSite::kExitHandler && IsStdoutRef(*scope.steps, *scope.pipeline, ref))
        return fmt::format("{{{{tasks.{}.outputs.result}}}}", ref.step);
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
