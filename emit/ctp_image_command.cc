// How native and Lua steps run inside the ctp image; shared by the Argo and KFP emitters.
#include "ctp/emit/emit.h"

namespace ctp {

std::string ClusterOutputPath(const Output& output) {
  return output.path.empty() ? "/tmp/outputs/" + output.name : output.path;
}

std::string ClusterInputPath(const Ref& ref) { return "/tmp/inputs/" + ref.step + "/" + ref.name; }

std::vector<Template> CtpImageCommand(const Step& step) {
  std::vector<Template> command;
  auto literal = [&](std::string text) { command.push_back(Template::Of(std::move(text))); };
  switch (step.kind) {
    case Step::Kind::kNative:
      literal("ctp");
      literal("step");
      literal(step.native);
      for (const Input& input : step.inputs) {
        literal("--" + input.name);
        command.push_back(input.value);
      }
      break;
    case Step::Kind::kLua:
      literal("ctp");
      literal("exec");
      literal("--source");
      literal(step.lua_source);
      for (const Input& input : step.inputs) {
        literal("--input");
        Template assignment = input.value;
        assignment.parts.insert(assignment.parts.begin(), {input.name + "=", std::nullopt});
        command.push_back(std::move(assignment));
      }
      break;
    case Step::Kind::kContainer:
    case Step::Kind::kPipeline:
      return {};
  }
  // Each output's path is passed explicitly, so every engine can say where it wants it (Argo:
  // /tmp/outputs/NAME; KFP: its own output file placeholders).
  for (const Output& output : step.outputs) {
    literal("--output");
    Template assignment;
    assignment.parts.push_back({output.name + "=", std::nullopt});
    assignment.parts.push_back({{}, Ref{Ref::Kind::kOutputPath, {}, output.name}});
    command.push_back(std::move(assignment));
  }
  return command;
}

}  // namespace ctp
