#include "values.h"

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <compare>
#include <cstdlib>
#include <limits>
#include <stdexcept>
#include <string_view>

#include "ctp/model/diagnostic.h"

namespace ctp::runner {
namespace {

bool IsDigit(char c, bool hex) {
  const auto byte = static_cast<unsigned char>(c);
  return hex ? std::isxdigit(byte) : std::isdigit(byte);
}

bool EqualsIgnoringCase(std::string_view text, std::string_view word) {
  if (text.size() != word.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(text[i])) != word[i]) return false;
  return true;
}

// Go number syntax: an underscore only between two digits (a base prefix counts as a digit).
bool UnderscoresBetweenDigits(std::string_view text) {
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) text.remove_prefix(1);
  const bool hex = text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
  char previous = hex ? '0' : '^';  // '0' a digit, '_' an underscore, '^' the start, '!' other
  for (std::size_t i = hex ? 2 : 0; i < text.size(); ++i) {
    if (IsDigit(text[i], hex)) {
      previous = '0';
    } else if (text[i] == '_') {
      if (previous != '0') return false;
      previous = '_';
    } else {
      if (previous == '_') return false;
      previous = '!';
    }
  }
  return previous != '_';
}

// `text` as Go's strconv.ParseFloat(text, 64) reads it — the function behind Argo's asFloat and
// KFP's CEL double() — or nullopt where Go returns an error: spaces anywhere, no digits, an
// underscore not between digits, a hexadecimal mantissa without its p exponent, a value beyond
// ±1.8e308. "inf" and "infinity" (any case, with a sign) and "nan" (any case, no sign) are numbers.
std::optional<double> GoFloat(const std::string& text) {
  if (EqualsIgnoringCase(text, "nan")) return std::numeric_limits<double>::quiet_NaN();
  if (!UnderscoresBetweenDigits(text)) return std::nullopt;
  std::string plain;
  for (char c : text)
    if (c != '_') plain += c;
  std::string_view rest = plain;
  const bool negative = !rest.empty() && rest[0] == '-';
  if (!rest.empty() && (rest[0] == '+' || rest[0] == '-')) rest.remove_prefix(1);
  if (EqualsIgnoringCase(rest, "inf") || EqualsIgnoringCase(rest, "infinity"))
    return negative ? -std::numeric_limits<double>::infinity()
                    : std::numeric_limits<double>::infinity();
  const bool hex = rest.size() > 2 && rest[0] == '0' && (rest[1] == 'x' || rest[1] == 'X');
  if (hex) rest.remove_prefix(2);
  std::size_t i = 0, digits = 0;
  for (; i < rest.size() && IsDigit(rest[i], hex); ++i) ++digits;
  if (i < rest.size() && rest[i] == '.')
    for (++i; i < rest.size() && IsDigit(rest[i], hex); ++i) ++digits;
  if (digits == 0) return std::nullopt;
  const char exponent = hex ? 'p' : 'e';
  if (i < rest.size() && std::tolower(static_cast<unsigned char>(rest[i])) == exponent) {
    if (++i < rest.size() && (rest[i] == '+' || rest[i] == '-')) ++i;
    const std::size_t first = i;
    while (i < rest.size() && IsDigit(rest[i], false)) ++i;
    if (i == first) return std::nullopt;
  } else if (hex) {
    return std::nullopt;
  }
  if (i != rest.size()) return std::nullopt;
  const double value = std::strtod(plain.c_str(), nullptr);
  if (std::isinf(value)) return std::nullopt;
  return value;
}

// How one side of a condition reads in a message.
std::string Describe(const Template& value) {
  if (const Ref* ref = value.SoleRef()) {
    switch (ref->kind) {
      case Ref::Kind::kParam:
        return fmt::format("parameter '{}'", ref->name);
      case Ref::Kind::kStepOutput:
        return fmt::format("output '{}' of step '{}'", ref->name, ref->step);
      case Ref::Kind::kLoopItem:
        return ref->name.empty() ? "the loop item" : fmt::format("loop item field '{}'", ref->name);
      default:
        break;
    }
  }
  return "a value";
}

double NumberOf(const Template& side, const std::string& text) {
  if (std::optional<double> number = GoFloat(text)) return *number;
  throw std::runtime_error(fmt::format("its condition compares numbers, but {} is '{}', not a number",
                                       Describe(side), Abbreviated(text)));
}

// The order of `lhs` and `rhs`, compared as numbers (IEEE: NaN is unordered) or as text.
std::partial_ordering Order(const Condition& c, const Template& lhs_side, const std::string& lhs,
                            const Template& rhs_side, const std::string& rhs) {
  if (c.compare == Condition::Compare::kText) return lhs.compare(rhs) <=> 0;
  const double a = NumberOf(lhs_side, lhs);
  const double b = NumberOf(rhs_side, rhs);
  return a <=> b;
}

// Whether `lhs OP rhs` holds (an unordered pair holds only for kNe).
bool Compare(const Condition& c, Condition::Op op, const Template& lhs_side,
             const std::string& lhs, const Template& rhs_side, const std::string& rhs) {
  const std::partial_ordering order = Order(c, lhs_side, lhs, rhs_side, rhs);
  switch (op) {
    case Condition::Op::kEq: return order == 0;
    case Condition::Op::kNe: return order != 0;
    case Condition::Op::kLt: return order < 0;
    case Condition::Op::kLe: return order <= 0;
    case Condition::Op::kGt: return order > 0;
    case Condition::Op::kGe: return order >= 0;
    default: return false;
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
    case Condition::Op::kOr: {
      // Every operand is evaluated, so one that cannot be (a value that is not a number) fails
      // the condition whatever the others decide, as in Argo and in the KFP condition.
      bool all = true, any = false;
      for (const Condition& operand : condition.operands) {
        const bool holds = EvaluateCondition(operand, scope);
        all = all && holds;
        any = any || holds;
      }
      return condition.op == Condition::Op::kAnd ? all : any;
    }
    case Condition::Op::kNot:
      return condition.operands.empty() || !EvaluateCondition(condition.operands[0], scope);
    case Condition::Op::kIn: {
      const std::string lhs = ResolveTemplate(condition.lhs, scope);
      const std::string rhs = ResolveTemplate(condition.rhs, scope);
      nlohmann::json list = nlohmann::json::parse(rhs, nullptr, false);
      if (!list.is_array())
        throw std::runtime_error(fmt::format("'in' needs a JSON list, got {}", Abbreviated(rhs)));
      for (const auto& item : list)
        if (Compare(condition, Condition::Op::kEq, condition.lhs, lhs, Template::Of(JsonText(item)),
                    JsonText(item)))
          return true;
      return false;
    }
    default:
      return Compare(condition, condition.op, condition.lhs, ResolveTemplate(condition.lhs, scope),
                     condition.rhs, ResolveTemplate(condition.rhs, scope));
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
