// Commands whose implementation lands with later work: they parse their arguments and say so.
#include <iostream>

#include "cli/cli.h"
#include "cli/workdir_option.h"

namespace ctp::cli {

Command AddReportCommand(CLI::App& app) {
  CLI::App* command = app.add_subcommand("report", "write a self-contained HTML report of a run");
  auto workdir = std::make_shared<std::string>();
  AddWorkdirOption(*command, *workdir);
  command->allow_extras();
  return [] {
    std::cerr << "ctp report: not available in this version of ctp yet\n";
    return kUsage;
  };
}

}  // namespace ctp::cli
