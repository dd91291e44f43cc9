// `ctp report RUN_ID [-o FILE] [--workdir DIR]`: the HTML run report. The run store's reader is
// passed in, so this file knows nothing of SQLite; the files of the run are read here.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "cli.h"
#include "ctp/report/run_report.h"

namespace ctp::cli {

/// A run as the store knows it, and where its files are.
struct StoredRun {
  report::RunReport report;                       ///< Run, params, steps, edges, metrics.
  std::filesystem::path run_dir;                  ///< <workdir>/runs/<run-id>
  std::vector<std::filesystem::path> data_roots;  ///< Volumes whose tiled slides to show.
};

/// Reads run `run_id` from the store in `workdir`. Throws std::invalid_argument("no run
/// 'ID' in WORKDIR/ctp.db") for an unknown id.
using RunStoreReader =
    std::function<StoredRun(const std::filesystem::path& workdir, const std::string& run_id)>;

/// Adds the run's files to `run` (logs, KFP documents, heatmaps; tiled slides of its data
/// roots), renders it and writes it atomically to `output` ("-" = stdout; "" =
/// <run_dir>/report.html). Prints "report: PATH" on stderr when writing a file. Returns kOk.
int WriteRunReport(StoredRun run, const std::string& output);

/// Registers `ctp report RUN_ID [-o FILE] [--workdir DIR]`, reading runs with `read_run`.
Command AddReportCommandWith(CLI::App& app, RunStoreReader read_run);

}  // namespace ctp::cli
