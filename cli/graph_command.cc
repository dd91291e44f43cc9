// ctp graph SCRIPT: the DAG as Graphviz DOT (`ctp graph p.lua | dot -Tsvg > p.svg`).
#include "cli.h"
#include "ctp/emit/emit.h"

namespace ctp::cli {

Command AddGraphCommand(CLI::App& app) {
  auto options = std::make_shared<ScriptOptions>();
  auto output = std::make_shared<std::string>();
  CLI::App* command = app.add_subcommand("graph", "print the pipeline's DAG as Graphviz DOT");
  options->AddTo(*command);
  command->add_option("-o,--output", *output, "write to this file (atomically) instead of stdout");
  return [options, output] {
    WriteOutput(*output, EmitDot(options->Load()));
    return kOk;
  };
}

}  // namespace ctp::cli
