#include "ctp/interpreter/luals_native_steps.h"

#include <fmt/format.h>

namespace ctp {
namespace {

/// The LuaLS type of a value of `arg`: its literal type, or a value known at run time.
std::string LuaLsType(const NativeArg& arg) {
  std::string literal;
  switch (arg.type) {
    case ArgType::kInt:
      literal = "integer";
      break;
    case ArgType::kFloat:
      literal = "number";
      break;
    case ArgType::kBool:
      literal = "boolean";
      break;
    case ArgType::kChoice:
      for (const std::string& choice : arg.choices)
        literal += (literal.empty() ? "\"" : "|\"") + choice + "\"";
      break;
    case ArgType::kString:
    case ArgType::kPath:
    case ArgType::kList:
      literal = "string";
      break;
  }
  return literal + "|ctp.Ref|ctp.String";
}

/// One `---@field` line of an argument: name, type, doc and default.
std::string FieldLine(const NativeArg& arg) {
  const std::string fallback = arg.default_value && !arg.default_value->empty()
                                   ? fmt::format(" (default {})", *arg.default_value)
                                   : "";
  return fmt::format("---@field {}{} {} {}{}\n", arg.name, arg.required ? "" : "?", LuaLsType(arg),
                     arg.doc, fallback);
}

}  // namespace

std::string LuaLsNativeStepAnnotations(const StepRegistry& registry) {
  std::string out = std::string(kLuaLsNativeStepsBegin) + "\n";
  for (const std::string& name : registry.Names()) {
    const NativeStep& step = *registry.Find(name);
    out += fmt::format("\n---The fields of `ctp.steps.{}`: its arguments (`ctp step {} --help`).\n",
                       name, name);
    out += fmt::format("---@class ctp.steps.{}.Args: ctp.StepFields\n", name);
    for (const NativeArg& arg : step.args) out += FieldLine(arg);
  }
  out += "\n---The native steps of the registry (C++ steps run by name).\n---@class ctp.Steps\n";
  for (const std::string& name : registry.Names())
    out += fmt::format("---@field {} fun(fields: ctp.steps.{}.Args): ctp.Step {}\n", name, name,
                       registry.Find(name)->description);
  out += "---@field [string] fun(fields: ctp.NativeStepFields): ctp.Step\n";
  return out + kLuaLsNativeStepsEnd + "\n";
}

}  // namespace ctp
