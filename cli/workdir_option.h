// --workdir, shared by `ctp run`, `ctp runs` and `ctp report`.
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <string>

#include "ctp/runner/workspace.h"

namespace ctp::cli {

/// Adds `--workdir DIR` to `command`.
inline void AddWorkdirOption(CLI::App& command, std::string& workdir) {
  command.add_option("--workdir", workdir,
                     "the workdir with runs and their history (default: $CTP_WORKDIR or ./.ctp)");
}

/// The workdir given, or the default one.
inline std::filesystem::path WorkdirOf(const std::string& workdir) {
  return workdir.empty() ? DefaultWorkdir() : std::filesystem::path(workdir);
}

}  // namespace ctp::cli
