// `ctp report`'s reader of the run store: a run's records in <workdir>/ctp.db become a
// report::RunReport. The DAG comes from loading the run's script again with the run's parameter
// values (when the script is still there and still loads); tiled slides from the workdir's volumes.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include "cli.h"
#include "report_command.h"
#include "ctp/interpreter/params.h"
#include "ctp/report/report_pipeline.h"
#include "ctp/runner/run_store.h"
#include "ctp/interpreter/script.h"

namespace ctp::cli {
namespace {

namespace fs = std::filesystem;

/// Curves (metrics logged with an index) and single values, in the store's order.
void AddMetrics(const std::vector<MetricRecord>& metrics, report::RunReport& out) {
  for (const MetricRecord& metric : metrics) {
    if (metric.index < 0)
      report::AddScalar(out, metric.step, metric.name, metric.value);
    else
      report::AddPoint(out, metric.step, metric.name, metric.index, metric.value);
  }
}

/// The DAG's edges from the run's script loaded with the run's parameters; none when the script
/// is gone or no longer loads (the report then shows the steps without edges).
void AddGraph(const RunRecord& run, report::RunReport& out) {
  if (run.script.empty() || !fs::exists(run.script)) return;
  try {
    LoadOptions options;
    for (const auto& [name, value] : run.params) options.params.values[name] = {value, {"-p", 0}};
    report::AddPipelineShape(LoadPipeline(run.script, options), out);
  } catch (const std::exception&) {
    // The script changed since the run: the stored steps are still shown.
  }
}

/// Folders under <workdir>/volumes/ (the local stand-ins for claims): tiled slides live there.
std::vector<fs::path> VolumesOf(const fs::path& workdir) {
  std::vector<fs::path> roots;
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(workdir / "volumes", error))
    if (entry.is_directory()) roots.push_back(entry.path());
  std::sort(roots.begin(), roots.end());
  return roots;
}

/// Reads run `run_id` ("latest": the newest) from <workdir>/ctp.db.
StoredRun ReadRunFromStore(const fs::path& workdir, const std::string& run_id) {
  const fs::path database = workdir / "ctp.db";
  if (!fs::exists(database))
    throw std::invalid_argument(fmt::format("no run '{}' in {}", run_id, database.string()));
  RunStore store(database);
  const std::optional<RunRecord> run = store.FindRun(run_id);
  if (!run)
    throw std::invalid_argument(fmt::format("no run '{}' in {}", run_id, database.string()));
  StoredRun stored;
  report::RunReport& out = stored.report;
  out.run_id = run->id;
  out.pipeline = run->pipeline;
  out.script = run->script;
  out.status = run->status;
  if (run->started_at > 0) out.start = run->started_at;
  if (run->ended_at > 0) out.end = run->ended_at;
  for (const auto& [name, value] : run->params) out.params.emplace_back(name, value);
  out.steps = store.Steps(run->id);
  AddMetrics(store.Metrics(run->id), out);
  AddGraph(*run, out);
  stored.run_dir = workdir / "runs" / run->id;
  stored.data_roots = VolumesOf(workdir);
  return stored;
}

}  // namespace

Command AddReportCommand(CLI::App& app) { return AddReportCommandWith(app, &ReadRunFromStore); }

}  // namespace ctp::cli
