// Small helpers to build Pipelines in C++ tests without a script.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <utility>

#include "ctp/model/pipeline.h"

namespace ctp::testing {

/// A reference to output `name` of step `step`.
inline Ref OutputRef(std::string step, std::string name) {
  return Ref{Ref::Kind::kStepOutput, std::move(step), std::move(name)};
}

/// A reference to pipeline parameter `name`.
inline Ref ParamRef(std::string name) { return Ref{Ref::Kind::kParam, {}, std::move(name)}; }

/// A container step declared at `test.lua:line`.
inline Step ContainerStep(std::string name, int line, std::string image = "alpine:3.19") {
  Step step;
  step.name = std::move(name);
  step.kind = Step::Kind::kContainer;
  step.image = std::move(image);
  step.location = {"test.lua", line};
  return step;
}

/// Adds a parameter output `name` to `step`.
inline Step& WithOutput(Step& step, std::string name, ValueKind kind = ValueKind::kParameter) {
  Output output;
  output.name = std::move(name);
  output.kind = kind;
  output.location = step.location;
  step.outputs.push_back(std::move(output));
  return step;
}

/// Appends an argument reading `ref` to `step`.
inline Step& WithArg(Step& step, Ref ref) {
  step.args.push_back(Template::Of(std::move(ref)));
  return step;
}

/// A reference to the current loop item, or to one of its fields.
inline Ref ItemRef(std::string field = {}) {
  return Ref{Ref::Kind::kLoopItem, {}, std::move(field)};
}

/// A reference to where this step writes its own output `name`.
inline Ref OutputPathRef(std::string name) {
  return Ref{Ref::Kind::kOutputPath, {}, std::move(name)};
}

/// A reference to the pipeline's final status (for the exit handler).
inline Ref StatusRef() { return Ref{Ref::Kind::kWorkflowStatus, {}, {}}; }

/// A template of literal text and references in order, e.g. Text({"--lr=", ParamRef("lr")}).
struct TextPart {
  TextPart(const char* text) : part{text, std::nullopt} {}  // NOLINT: implicit on purpose
  TextPart(std::string text) : part{std::move(text), std::nullopt} {}  // NOLINT
  TextPart(Ref ref) : part{{}, std::move(ref)} {}                      // NOLINT
  Template::Part part;
};
inline Template Text(std::initializer_list<TextPart> parts) {
  Template t;
  for (const TextPart& p : parts) t.parts.push_back(p.part);
  return t;
}

/// A pipeline parameter with an optional default.
inline Param MakeParam(std::string name, ParamType type = ParamType::kString,
                       std::optional<std::string> default_value = std::nullopt) {
  Param param;
  param.name = std::move(name);
  param.type = type;
  param.default_value = std::move(default_value);
  param.location = {"test.lua", 1};
  return param;
}

/// A condition comparing two templates (as text unless `as` says numbers).
inline Condition Compare(Condition::Op op, Template lhs, Template rhs,
                         Condition::Compare as = Condition::Compare::kText) {
  Condition c;
  c.op = op;
  c.compare = as;
  c.lhs = std::move(lhs);
  c.rhs = std::move(rhs);
  return c;
}

/// A container step running `command` (literal words).
inline Step CommandStep(std::string name, int line, std::string image,
                        std::initializer_list<const char*> command) {
  Step step = ContainerStep(std::move(name), line, std::move(image));
  for (const char* word : command) step.command.push_back(Template::Of(word));
  return step;
}

}  // namespace ctp::testing
