// Commands whose implementation lands with later work: they parse their arguments and say so.
#include <iostream>

#include "cli/cli.h"

namespace ctp::cli {
namespace {

Command Pending(CLI::App& app, const char* name, const char* description) {
  CLI::App* command = app.add_subcommand(name, description);
  command->allow_extras();
  std::string command_name = name;
  return [command_name] {
    std::cerr << "ctp " << command_name << ": not available in this version of ctp yet\n";
    return kUsage;
  };
}

}  // namespace

Command AddRunCommand(CLI::App& app) {
  return Pending(app, "run", "run the pipeline on this machine (local executor)");
}
Command AddRunsCommand(CLI::App& app) {
  return Pending(app, "runs", "list, show and compare past local runs");
}
Command AddReportCommand(CLI::App& app) {
  return Pending(app, "report", "write a self-contained HTML report of a run");
}

}  // namespace ctp::cli
