#include "ctp/model/pipeline.h"

namespace ctp {

bool Template::IsLiteral() const {
  for (const Part& part : parts)
    if (part.ref) return false;
  return true;
}

std::string Template::Literal() const {
  std::string text;
  for (const Part& part : parts) text += part.text;
  return text;
}

const Ref* Template::SoleRef() const {
  if (parts.size() == 1 && parts[0].ref) return &*parts[0].ref;
  return nullptr;
}

Template Template::Of(std::string literal) {
  Template t;
  t.parts.push_back({std::move(literal), std::nullopt});
  return t;
}

Template Template::Of(Ref ref) {
  Template t;
  t.parts.push_back({{}, std::move(ref)});
  return t;
}

bool Resources::Empty() const {
  return cpu_request.empty() && cpu_limit.empty() && memory_request.empty() &&
         memory_limit.empty() && gpu_count == 0 && accelerator_type.empty() &&
         node_selector.empty() && tolerations.empty();
}

const Step* Pipeline::FindStep(const std::string& step_name) const {
  for (const Step& step : steps)
    if (step.name == step_name) return &step;
  if (on_exit && on_exit->name == step_name) return &*on_exit;
  return nullptr;
}

const Param* Pipeline::FindParam(const std::string& param_name) const {
  for (const Param& param : params)
    if (param.name == param_name) return &param;
  return nullptr;
}

const Volume* Pipeline::FindVolume(const std::string& volume_name) const {
  for (const Volume& volume : volumes)
    if (volume.name == volume_name) return &volume;
  return nullptr;
}

ValueKind Step::OutputKind(const std::string& output) const {
  if (kind == Kind::kPipeline && pipeline) return pipeline->OutputKind(output);
  for (const Output& declared : outputs)
    if (declared.name == output) return declared.kind;
  return ValueKind::kParameter;
}

const Output* Step::StdoutOutput(const std::string& name) const {
  for (const Output& declared : outputs)
    if (declared.name == name && declared.from_stdout) return &declared;
  return nullptr;
}

ValueKind Pipeline::OutputKind(const std::string& output) const {
  auto found = outputs.find(output);
  if (found == outputs.end()) return ValueKind::kParameter;
  const Ref* ref = found->second.SoleRef();
  if (!ref || ref->kind != Ref::Kind::kStepOutput) return ValueKind::kParameter;
  const Step* producer = FindStep(ref->step);
  return producer ? producer->OutputKind(ref->name) : ValueKind::kParameter;
}

const char* ParamTypeName(ParamType type) {
  switch (type) {
    case ParamType::kString: return "string";
    case ParamType::kInt: return "int";
    case ParamType::kFloat: return "float";
    case ParamType::kBool: return "bool";
    case ParamType::kList: return "list";
  }
  return "?";
}

const char* StepKindName(Step::Kind kind) {
  switch (kind) {
    case Step::Kind::kContainer: return "container";
    case Step::Kind::kLua: return "lua";
    case Step::Kind::kNative: return "native";
    case Step::Kind::kPipeline: return "pipeline";
  }
  return "?";
}

const char* OperatorSymbol(Condition::Op op) {
  switch (op) {
    case Condition::Op::kEq: return "==";
    case Condition::Op::kNe: return "!=";
    case Condition::Op::kLt: return "<";
    case Condition::Op::kLe: return "<=";
    case Condition::Op::kGt: return ">";
    case Condition::Op::kGe: return ">=";
    case Condition::Op::kIn: return "in";
    case Condition::Op::kAnd:
    case Condition::Op::kOr:
    case Condition::Op::kNot: return "";
  }
  return "";
}

const char* ValueKindName(ValueKind kind) {
  switch (kind) {
    case ValueKind::kParameter: return "parameter";
    case ValueKind::kArtifact: return "artifact";
    case ValueKind::kMetrics: return "metrics";
  }
  return "?";
}

}  // namespace ctp
