// KFP values: pipeline channels, parameter types, task input sources, constants, CEL conditions.
#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <utility>

#include "ctp/model/diagnostic.h"
#include "kfp.h"
#include "yaml_writer.h"

namespace ctp::emit {
namespace {

constexpr const char* kCreatePvcPrefix = "createpvc-";

const Step* Producer(const KfpScope& scope, const Ref& ref) {
  return scope.steps->Find(*scope.pipeline, ref.step);
}

std::string CelValue(const KfpScope& scope, const Ref& ref) {
  std::string text = "inputs.parameter_values['" + ChannelName(scope, ref) + "']";
  if (ref.kind == Ref::Kind::kLoopItem && !ref.name.empty()) text += "['" + ref.name + "']";
  return text;
}

// A CEL string literal.
std::string CelString(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\\' || c == '\'') quoted += '\\';
    quoted += c;
  }
  return quoted + "'";
}

bool IsBoolean(const KfpScope& scope, const Template& value) {
  const Ref* ref = value.SoleRef();
  return ref && ref->kind != Ref::Kind::kLoopItem && KfpParameterType(scope, *ref) == "BOOLEAN";
}

// One side of a comparison: numbers through double() (Go's strconv.ParseFloat for a STRING
// value, as ctp run and Argo's asFloat read it); a BOOLEAN parameter with true/false as bools;
// other text as a string (string() of other types).
std::string CelOperand(const KfpScope& scope, const Condition& c, const Template& value,
                       const Template& other, const Step& step) {
  const bool numeric = c.compare == Condition::Compare::kNumber;
  const bool booleans = !numeric && (IsBoolean(scope, value) || IsBoolean(scope, other)) &&
                        (other.IsLiteral() || value.IsLiteral() ||
                         (IsBoolean(scope, value) && IsBoolean(scope, other)));
  if (value.IsLiteral())
    return numeric ? DoubleLiteral(value.Literal())
                   : booleans ? value.Literal() : CelString(value.Literal());
  const Ref* ref = value.SoleRef();
  if (!ref)
    throw Error(step.location,
                fmt::format("step '{}': a KFP condition compares whole values, not text with "
                            "references",
                            step.name));
  const std::string text = CelValue(scope, *ref);
  if (ref->kind == Ref::Kind::kParam && scope.final_status_params.count(ref->name))
    throw Error(step.location,
                fmt::format("step '{}' tests parameter '{}', which carries the pipeline status: "
                            "KFP gives it as a PipelineTaskFinalStatus struct, not as the text "
                            "Argo and ctp run give (Succeeded, Failed, Error), so the condition "
                            "cannot hold alike (test the status inside the step)",
                            step.name, ref->name));
  if (numeric) return "double(" + text + ")";
  const bool string_typed = ref->kind == Ref::Kind::kLoopItem
                                ? ref->name.empty() && scope.item_type == "STRING"
                                : KfpParameterType(scope, *ref) == "STRING";
  return string_typed || booleans ? text : "string(" + text + ")";
}

std::string CelList(const Condition& c, const Step& step) {
  std::string text;
  for (const std::string& item : LiteralListItems(c, step))
    text += (text.empty() ? "" : ", ") +
            (c.compare == Condition::Compare::kNumber ? DoubleLiteral(item) : CelString(item));
  return "[" + text + "]";
}

std::string RunTimeList(const KfpScope& scope, const Condition& c, const Step& step) {
  const Ref* list = c.rhs.SoleRef();
  if (!list)
    throw Error(step.location,
                fmt::format("step '{}': 'in' needs a literal list or one list value", step.name));
  return CelValue(scope, *list);
}

// Whether evaluating `c` can fail: it compares as a number a value KFP holds as text.
bool CanFail(const KfpScope& scope, const Condition& c) {
  for (const Condition& operand : c.operands)
    if (CanFail(scope, operand)) return true;
  if (c.operands.empty() && c.compare == Condition::Compare::kNumber)
    for (const Template* side : {&c.lhs, &c.rhs}) {
      const Ref* ref = side->SoleRef();
      if (!ref) continue;
      const std::string type = ref->kind == Ref::Kind::kLoopItem && !ref->name.empty()
                                   ? "STRING"
                                   : KfpParameterType(scope, *ref);
      if (type != "NUMBER_INTEGER" && type != "NUMBER_DOUBLE") return true;
    }
  return false;
}

std::string Cel(const KfpScope& scope, const Condition& c, const Step& step, bool nested) {
  switch (c.op) {
    case Condition::Op::kAnd:
    case Condition::Op::kOr: {
      const bool strict = CanFail(scope, c);
      std::string text;
      for (const Condition& operand : c.operands)
        text += (text.empty()                                ? ""
                 : strict                                    ? ", "
                 : c.op == Condition::Op::kAnd               ? " && "
                                                             : " || ") +
                Cel(scope, operand, step, !strict);
      if (strict) {
        // CEL's && and || skip an operand's error when another operand decides; a list literal
        // fails when any item does, as Argo and ctp run do.
        std::string decided;
        for (std::size_t i = 0; i < c.operands.size(); ++i)
          decided += (i ? ", " : "") + std::string(c.op == Condition::Op::kAnd ? "true" : "false");
        return fmt::format("[{}] {} [{}]", text, c.op == Condition::Op::kAnd ? "==" : "!=",
                           decided);
      }
      return nested ? "(" + text + ")" : text;
    }
    case Condition::Op::kNot:
      if (c.operands.size() != 1)
        throw Error(step.location, fmt::format("step '{}': 'not' takes one condition", step.name));
      return "!(" + Cel(scope, c.operands[0], step, false) + ")";
    case Condition::Op::kIn:
      return CelOperand(scope, c, c.lhs, c.rhs, step) + " in " +
             (c.rhs.IsLiteral() ? CelList(c, step) : RunTimeList(scope, c, step));
    default:
      return CelOperand(scope, c, c.lhs, c.rhs, step) + " " + OperatorSymbol(c.op) + " " +
             CelOperand(scope, c, c.rhs, c.lhs, step);
  }
}

}  // namespace

std::string KfpBuilder::UniqueSuffix(const std::string& base) {
  std::string name = base;
  for (int n = 2; used_suffixes.count(name); ++n) name = base + "-" + std::to_string(n);
  used_suffixes.insert(name);
  return name;
}

Ref CreatePvcRef(const std::string& volume) {
  return Ref{Ref::Kind::kStepOutput, CreatePvcTask(volume), "name"};
}

std::string CreatePvcTask(const std::string& volume) { return kCreatePvcPrefix + volume; }

std::string ChannelName(const KfpScope& scope, const Ref& ref) {
  switch (ref.kind) {
    case Ref::Kind::kParam:
      return "pipelinechannel--" + ref.name;
    case Ref::Kind::kStepOutput:
      return "pipelinechannel--" + ref.step + "-" + ref.name;
    case Ref::Kind::kLoopItem:
      return scope.item_channel;
    default:
      return {};
  }
}

bool IsKfpArtifact(const KfpScope& scope, const Ref& ref) {
  return ref.kind == Ref::Kind::kStepOutput &&
         ProducedKind(*scope.steps, *scope.pipeline, ref) != ValueKind::kParameter;
}

const char* KfpParamType(ParamType type) {
  switch (type) {
    case ParamType::kString:
      return "STRING";
    case ParamType::kInt:
      return "NUMBER_INTEGER";
    case ParamType::kFloat:
      return "NUMBER_DOUBLE";
    case ParamType::kBool:
      return "BOOLEAN";
    case ParamType::kList:
      return "LIST";
  }
  return "STRING";
}

const char* KfpHeaderType(ParamType type) {
  switch (type) {
    case ParamType::kString:
      return "str";
    case ParamType::kInt:
      return "int";
    case ParamType::kFloat:
      return "float";
    case ParamType::kBool:
      return "bool";
    case ParamType::kList:
      return "list";
  }
  return "str";
}

bool FeedsLoop(const Pipeline& pipeline, const Ref& output) {
  auto loops_over = [&](const Step& step) {
    return step.loop && step.loop->items_ref && *step.loop->items_ref == output;
  };
  for (const Step& step : pipeline.steps)
    if (loops_over(step)) return true;
  return pipeline.on_exit && loops_over(*pipeline.on_exit);
}

std::string KfpParameterType(const KfpScope& scope, const Ref& ref) {
  switch (ref.kind) {
    case Ref::Kind::kParam:
      if (scope.final_status_params.count(ref.name)) return "STRUCT";
      if (const Param* param = scope.pipeline->FindParam(ref.name))
        return KfpParamType(param->type);
      return "STRING";
    case Ref::Kind::kStepOutput: {
      const Step* producer = Producer(scope, ref);
      return (producer && producer->loop) || FeedsLoop(*scope.pipeline, ref) ? "LIST" : "STRING";
    }
    case Ref::Kind::kLoopItem:
      return ref.name.empty() ? scope.item_type : "STRING";
    case Ref::Kind::kWorkflowStatus:
      return "TASK_FINAL_STATUS";
    default:
      return "STRING";
  }
}

YamlValue KfpArtifactType(ValueKind kind) {
  YamlValue node;
  node["schemaTitle"] = kind == ValueKind::kMetrics ? "system.Metrics" : "system.Artifact";
  node["schemaVersion"] = "0.0.1";
  return node;
}

YamlValue KfpSource(const KfpScope& scope, const Ref& ref) {
  YamlValue source;
  const bool artifact = IsKfpArtifact(scope, ref);
  switch (ref.kind) {
    case Ref::Kind::kParam:
      source["componentInputParameter"] = scope.in_group ? ChannelName(scope, ref) : ref.name;
      break;
    case Ref::Kind::kStepOutput: {
      auto task = scope.tasks.find(ref.step);
      if (task == scope.tasks.end()) {
        source[artifact ? "componentInputArtifact" : "componentInputParameter"] =
            ChannelName(scope, ref);
        break;
      }
      const std::string key = scope.wrapped.count(ref.step) ? ChannelName(scope, ref) : ref.name;
      YamlValue output;
      output[artifact ? "outputArtifactKey" : "outputParameterKey"] = key;
      output["producerTask"] = task->second;
      source[artifact ? "taskOutputArtifact" : "taskOutputParameter"] = std::move(output);
      break;
    }
    case Ref::Kind::kLoopItem:
      source["componentInputParameter"] = scope.item_channel;
      if (!ref.name.empty())
        source["parameterExpressionSelector"] = "parseJson(string_value)[\"" + ref.name + "\"]";
      break;
    default:
      break;
  }
  return source;
}

YamlValue KfpFinalStatusSource(const KfpScope& scope, const Step& step) {
  if (scope.final_status_producer.empty())
    throw Error(step.location,
                fmt::format("step '{}' reads the pipeline status, which KFP gives only to the "
                            "exit handler",
                            step.name));
  YamlValue source;
  source["taskFinalStatus"]["producerTask"] = scope.final_status_producer;
  return source;
}

YamlValue KfpConstant(const std::string& text, ParamType type) {
  if (type == ParamType::kString) return YamlValue(text);
  nlohmann::json value = nlohmann::json::parse(text, nullptr, false);
  if (value.is_discarded()) return YamlValue(text);
  return JsonToYaml(value);
}

std::string KfpCondition(const KfpScope& scope, const Condition& condition, const Step& step) {
  return Cel(scope, condition, step, false);
}

}  // namespace ctp::emit
