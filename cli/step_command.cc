// ctp step NAME --ARG VALUE ... [--output-dir DIR]: runs one native step by name. This is what the
// ctp container image runs for a native step in an emitted workflow.
#include <fmt/format.h>

#include <algorithm>

#include <iostream>

#include "cli.h"
#include "ctp/model/diagnostic.h"
#include "ctp/step/step_registry.h"

namespace ctp::cli {
namespace {

std::string ArgNames(const NativeStep& step) {
  std::string names;
  for (const NativeArg& arg : step.args)
    names += fmt::format("\n  --{:<20} {}{}", arg.name + " " + arg.type, arg.doc,
                         arg.required ? " (required)" : "");
  return names;
}

// Parses "--name value" pairs against the step's arguments, with defaults and type checks.
std::map<std::string, std::string> ParseStepArgs(const NativeStep& step,
                                                 const std::vector<std::string>& words) {
  std::map<std::string, std::string> args;
  std::vector<std::string> names;
  for (const NativeArg& arg : step.args) names.push_back(arg.name);
  for (std::size_t i = 0; i < words.size(); i += 2) {
    const std::string& word = words[i];
    if (word.rfind("--", 0) != 0)
      throw std::invalid_argument(fmt::format("step {}: expected --ARG VALUE, got '{}'", step.name, word));
    std::string name = word.substr(2);
    std::replace(name.begin(), name.end(), '-', '_');
    auto spec = std::find_if(step.args.begin(), step.args.end(),
                             [&](const NativeArg& a) { return a.name == name; });
    if (spec == step.args.end())
      throw std::invalid_argument(fmt::format("step {} has no argument '{}'{}; its arguments:{}",
                                              step.name, name, DidYouMean(name, names),
                                              ArgNames(step)));
    if (i + 1 >= words.size())
      throw std::invalid_argument(fmt::format("step {}: --{} needs a value", step.name, name));
    args[name] = words[i + 1];
  }
  for (const NativeArg& arg : step.args) {
    if (!args.count(arg.name) && arg.default_value) args[arg.name] = *arg.default_value;
    if (!args.count(arg.name) && arg.required)
      throw std::invalid_argument(fmt::format("step {} needs --{}", step.name, arg.name));
  }
  return args;
}

}  // namespace

Command AddStepCommand(CLI::App& app) {
  struct Options {
    std::string name;
    std::string output_dir = "/tmp/outputs";
    std::vector<std::string> outputs;  // NAME=PATH
    std::vector<std::string> words;
  };
  auto options = std::make_shared<Options>();
  CLI::App* command = app.add_subcommand(
      "step", "run one native step: ctp step NAME --ARG VALUE ... (the ctp image's entrypoint)");
  command->add_option("NAME", options->name, "the native step")->required();
  command->add_option("--output-dir", options->output_dir, "where outputs are written, one file each");
  command->add_option("--output", options->outputs, "where output NAME goes: --output NAME=PATH");
  command->allow_extras();
  return [options, command] {
    options->words = command->remaining();
    const NativeStep* step = StepRegistry::Default().Find(options->name);
    if (!step)
      throw std::invalid_argument(fmt::format("no native step '{}'{}", options->name,
                                              DidYouMean(options->name,
                                                         StepRegistry::Default().Names())));
    StepContext context;
    context.args = ParseStepArgs(*step, options->words);
    context.output_dir = options->output_dir;
    for (const std::string& assignment : options->outputs) {
      std::size_t equals = assignment.find('=');
      if (equals == std::string::npos || equals == 0)
        throw std::invalid_argument("--output expects NAME=PATH, got '" + assignment + "'");
      context.output_paths[assignment.substr(0, equals)] = assignment.substr(equals + 1);
    }
    context.log = &std::cout;
    context.progress = [](const StepProgress& p) {
      if (p.total > 0)
        std::cerr << fmt::format("progress: {:.0f}/{:.0f} {} {}\n", p.done, p.total, p.unit, p.text);
      else
        std::cerr << fmt::format("progress: {}\n", p.text);
    };
    context.metric = [](const std::string& name, double value, int index) {
      std::cerr << fmt::format("metric: {}={}{}\n", name, value,
                               index >= 0 ? fmt::format(" (step {})", index) : "");
    };
    step->run(context);
    return kOk;
  };
}

}  // namespace ctp::cli
