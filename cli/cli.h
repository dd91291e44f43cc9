// The `ctp` command line (CLI11): one file per subcommand, each a thin layer over the library.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

#include "ctp/interpreter/script.h"

namespace ctp::cli {

/// Exit codes: 0 success, 1 a bad pipeline or a failed run, 2 bad usage.
enum ExitCode { kOk = 0, kFailed = 1, kUsage = 2 };

/// Options every command that loads a script shares.
struct ScriptOptions {
  std::string script;
  std::vector<std::string> params;       ///< -p name=value
  std::vector<std::string> param_files;  ///< --params FILE
  bool trace = false;
  /// Adds SCRIPT, -p, --params and --trace to `command`.
  void AddTo(CLI::App& command);
  /// Loads the script with these options. Throws ctp::Error or std::invalid_argument.
  Pipeline Load() const;
};

/// A subcommand: registers itself on the app and returns the function that runs it.
using Command = std::function<int()>;
Command AddCheckCommand(CLI::App& app);
Command AddGraphCommand(CLI::App& app);
Command AddStepCommand(CLI::App& app);
Command AddEmitCommand(CLI::App& app);
Command AddExecCommand(CLI::App& app);
Command AddRunCommand(CLI::App& app);
Command AddRunsCommand(CLI::App& app);
Command AddReportCommand(CLI::App& app);

/// Writes `text` to `path` atomically, or to stdout when `path` is empty or "-".
void WriteOutput(const std::string& path, const std::string& text);

/// Runs the ctp command line.
int Main(int argc, char** argv);

}  // namespace ctp::cli
