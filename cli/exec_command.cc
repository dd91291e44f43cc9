// ctp exec --source SRC --input NAME=VALUE ... --output NAME=PATH ...: runs one Lua function step
// in a fresh sandboxed Lua state. This is what the ctp image runs for a Lua step in a cluster.
#include <fmt/format.h>

#include <iostream>

#include "cli.h"
#include "ctp/base/atomic_file.h"
#include "ctp/interpreter/lua_step.h"

namespace ctp::cli {
namespace {

std::pair<std::string, std::string> SplitAssignment(const std::string& option,
                                                    const std::string& assignment) {
  std::size_t equals = assignment.find('=');
  if (equals == std::string::npos || equals == 0)
    throw std::invalid_argument(
        fmt::format("{} expects NAME=VALUE, got '{}'", option, assignment));
  return {assignment.substr(0, equals), assignment.substr(equals + 1)};
}

}  // namespace

Command AddExecCommand(CLI::App& app) {
  struct Options {
    std::string source;
    std::string name = "step";
    std::vector<std::string> inputs, outputs;
  };
  auto options = std::make_shared<Options>();
  CLI::App* command = app.add_subcommand("exec", "run one Lua function step from its source");
  command->add_option("--source", options->source, "the chunk: return function(inputs) ... end")
      ->required();
  command->add_option("--name", options->name, "the step's name, for messages");
  command->add_option("--input", options->inputs, "an input: --input NAME=VALUE (repeatable)");
  command->add_option("--output", options->outputs,
                      "where output NAME goes: --output NAME=PATH (repeatable)");
  return [options] {
    std::map<std::string, std::string> inputs;
    for (const std::string& input : options->inputs) inputs.insert(SplitAssignment("--input", input));
    std::map<std::string, std::string> paths;
    for (const std::string& output : options->outputs)
      paths.insert(SplitAssignment("--output", output));
    std::map<std::string, std::string> values =
        RunLuaStep(options->source, inputs, "<" + options->name + ">");
    for (const auto& [output, path] : paths) {
      auto value = values.find(output);
      if (value == values.end())
        throw std::runtime_error(
            fmt::format("step '{}' returned no value for output '{}'", options->name, output));
      base::WriteFileAtomically(path, value->second);
    }
    return kOk;
  };
}

}  // namespace ctp::cli
