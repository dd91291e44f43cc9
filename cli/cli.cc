#include "cli.h"

#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <map>

#include "ctp/base/atomic_file.h"
#include "ctp/model/diagnostic.h"
#include "ctp/native/builtin_steps.h"
#include "ctp/step/step_registry.h"

namespace ctp::cli {

void ScriptOptions::AddTo(CLI::App& command) {
  command.add_option("SCRIPT", script, "the pipeline script (.lua)")->required();
  command.add_option("-p,--param", params, "set a parameter: -p name=value (repeatable)");
  command.add_option("--params", param_files, "read parameters from a YAML file of name: value");
  command.add_flag("--trace", trace, "show Lua tracebacks with script errors");
}

Pipeline ScriptOptions::Load() const {
  LoadOptions options;
  for (const std::string& file : param_files) AddParamFile(options.params, file);
  for (const std::string& assignment : params) AddParamAssignment(options.params, assignment);
  options.trace = trace;
  return LoadPipeline(script, options);
}

void WriteOutput(const std::string& path, const std::string& text) {
  if (path.empty() || path == "-") {
    std::cout << text << std::flush;
    return;
  }
  base::WriteFileAtomically(path, text);
}

int Main(int argc, char** argv) {
  RegisterBuiltinSteps(StepRegistry::Default());
  CLI::App app{
      "ctp: continuous-training pipelines as Lua scripts. Emit them for Argo Workflows "
      "or Kubeflow Pipelines, or run them on this machine.",
      "ctp"};
  app.set_version_flag("--version", std::string("ctp ") + Version());
  app.require_subcommand(1);
  app.fallthrough(false);

  std::map<CLI::App*, Command> commands;
  auto add = [&](Command (*make)(CLI::App&)) {
    Command run = make(app);
    commands[app.get_subcommands({}).back()] = std::move(run);
  };
  // Building every command's options costs more than a small emit's script; when the first
  // argument names a command, only that one is built (its parse, help and errors are the same),
  // and `ctp --version` alone builds none.
  const std::pair<const char*, Command (*)(CLI::App&)> kCommands[] = {
      {"check", &AddCheckCommand}, {"graph", &AddGraphCommand}, {"emit", &AddEmitCommand},
      {"run", &AddRunCommand},     {"runs", &AddRunsCommand},   {"report", &AddReportCommand},
      {"step", &AddStepCommand},   {"exec", &AddExecCommand}};
  const std::string first = argc > 1 ? argv[1] : "";
  const bool named = std::any_of(std::begin(kCommands), std::end(kCommands),
                                 [&](const auto& command) { return first == command.first; });
  const bool version_only = argc == 2 && first == "--version";
  for (const auto& [name, make] : kCommands)
    if (!version_only && (!named || first == name)) add(make);
  CLI::App* help = app.add_subcommand("help", "show help for ctp or one of its commands");
  std::string help_topic;
  help->add_option("COMMAND", help_topic, "a command");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kOk : kUsage;
  }
  if (help->parsed()) {
    if (help_topic.empty()) {
      std::cout << app.help();
      return kOk;
    }
    try {
      std::cout << app.get_subcommand(help_topic)->help();
      return kOk;
    } catch (const CLI::OptionNotFound&) {
      std::cerr << fmt::format("ctp help: no command '{}'\n", help_topic);
      return kUsage;
    }
  }
  for (auto& [command, run] : commands) {
    if (!command->parsed()) continue;
    try {
      return run();
    } catch (const Error& e) {
      std::cerr << FormatError(e);
      return kFailed;
    } catch (const std::invalid_argument& e) {
      std::cerr << "ctp " << command->get_name() << ": " << e.what() << "\n";
      return kUsage;
    } catch (const std::exception& e) {
      std::cerr << "ctp " << command->get_name() << ": error: " << e.what() << "\n";
      return kFailed;
    }
  }
  return kUsage;
}

}  // namespace ctp::cli
