// ctp step NAME --ARG VALUE ... [--output-dir DIR]: runs one native step by name. This is what the
// ctp container image runs for a native step in an emitted workflow. `ctp step NAME --help` lists
// the step's arguments and outputs.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "cli.h"
#include "ctp/model/diagnostic.h"
#include "ctp/step/step_registry.h"

namespace ctp::cli {
namespace {

/// How an argument's values read in --help: its type, or its allowed values.
std::string ValueSyntax(const NativeArg& arg) {
  if (arg.type == ArgType::kChoice) return fmt::format("{}", fmt::join(arg.choices, "|"));
  if (arg.type == ArgType::kBool) return "true|false";
  return ArgTypeName(arg.type);
}

/// "required", "default X" or "optional".
std::string Presence(const NativeArg& arg) {
  if (arg.required) return "required";
  if (arg.default_value && !arg.default_value->empty()) return "default " + *arg.default_value;
  return "optional";
}

/// The text of `ctp step NAME --help`: the step, its arguments and its outputs.
std::string StepHelp(const NativeStep& step) {
  std::string text = fmt::format(
      "{}\nUsage: ctp step {} [--ARG VALUE ...] [--output-dir DIR] [--output NAME=PATH ...]\n",
      step.description, step.name);
  text += "\nArguments:\n";
  for (const NativeArg& arg : step.args)
    text += fmt::format("  --{} {} ({})\n      {}\n", arg.name, ValueSyntax(arg), Presence(arg),
                        arg.doc);
  text += "\nOutputs:\n";
  for (const NativeOutput& output : step.outputs)
    text +=
        fmt::format("  {} ({})\n      {}\n", output.name, ValueKindName(output.kind), output.doc);
  return text;
}

/// "--name value" pairs as name -> text ('-' in a name reads as '_'); throws ArgError for a word
/// that is not --NAME or a name without a value. Names and values are checked when the step runs.
std::map<std::string, std::string> ParseStepWords(const NativeStep& step,
                                                  const std::vector<std::string>& words) {
  std::map<std::string, std::string> given;
  for (std::size_t i = 0; i < words.size(); i += 2) {
    const std::string& word = words[i];
    if (word.rfind("--", 0) != 0)
      throw ArgError(fmt::format("{}: expected --ARG VALUE, got '{}'", step.name, word));
    std::string name = word.substr(2);
    std::replace(name.begin(), name.end(), '-', '_');
    if (i + 1 >= words.size())
      throw ArgError(fmt::format("{}: argument --{} needs a value", step.name, name));
    given[name] = words[i + 1];
  }
  return given;
}

// --output NAME=PATH assignments: each NAME one of the step's outputs.
std::map<std::string, std::filesystem::path> OutputPaths(
    const NativeStep& step, const std::vector<std::string>& assignments) {
  std::vector<std::string> names;
  for (const NativeOutput& output : step.outputs) names.push_back(output.name);
  std::map<std::string, std::filesystem::path> paths;
  for (const std::string& assignment : assignments) {
    const std::size_t equals = assignment.find('=');
    if (equals == std::string::npos || equals == 0)
      throw ArgError(fmt::format("{}: --output expects NAME=PATH, got '{}'", step.name,
                                 Abbreviated(assignment)));
    const std::string name = assignment.substr(0, equals);
    if (std::find(names.begin(), names.end(), name) == names.end())
      throw ArgError(fmt::format("{}: --output {}: the step has no output '{}'{}", step.name,
                                 Abbreviated(assignment), Abbreviated(name),
                                 DidYouMean(name, names)));
    paths[name] = assignment.substr(equals + 1);
  }
  return paths;
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
  CLI::Option* name_option =
      command->add_option("NAME", options->name, "the native step")->required();
  command->add_option("--output-dir", options->output_dir,
                      "where outputs are written, one file each");
  command->add_option("--output", options->outputs, "where output NAME goes: --output NAME=PATH");
  command->allow_extras();
  // `ctp step NAME --help` describes the step; without a known NAME, the command's usual help.
  auto usual_help = command->get_formatter();
  command->formatter_fn(
      [name_option, usual_help](const CLI::App* self, std::string title, CLI::AppFormatMode mode) {
        const NativeStep* step = name_option->count()
                                     ? StepRegistry::Default().Find(name_option->results().front())
                                     : nullptr;
        return step ? StepHelp(*step) : usual_help->make_help(self, std::move(title), mode);
      });
  return [options, command] {
    options->words = command->remaining();
    const NativeStep* step = StepRegistry::Default().Find(options->name);
    if (!step)
      throw std::invalid_argument(
          fmt::format("no native step '{}'{}", options->name,
                      DidYouMean(options->name, StepRegistry::Default().Names())));
    StepContext context;
    context.output_dir = options->output_dir;
    context.log = &std::cout;
    context.progress = [](const StepProgress& p) {
      if (p.total > 0)
        std::cerr << fmt::format("progress: {:.0f}/{:.0f} {} {}\n", p.done, p.total, p.unit,
                                 p.text);
      else
        std::cerr << fmt::format("progress: {}\n", p.text);
    };
    context.metric = [](const std::string& name, double value, int index) {
      std::cerr << fmt::format("metric: {}={}{}\n", name, value,
                               index >= 0 ? fmt::format(" (step {})", index) : "");
    };
    try {
      context.output_paths = OutputPaths(*step, options->outputs);
      context.args = ParseStepWords(*step, options->words);
      RunNativeStep(*step, context);
    } catch (const ArgError& e) {
      std::cerr << "ctp step " << e.what() << "\n";
      return kUsage;
    }
    return kOk;
  };
}

}  // namespace ctp::cli
