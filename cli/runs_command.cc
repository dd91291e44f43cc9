// ctp runs [list|show RUN|compare A B|logs RUN [STEP]]: the run history in <workdir>/ctp.db.
#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <iostream>
#include <set>

#include "cli.h"
#include "run_logs.h"
#include "workdir_option.h"
#include "ctp/model/diagnostic.h"
#include "ctp/runner/run_store.h"
#include "ctp/runner/workspace.h"

namespace ctp::cli {
namespace {

std::string Time(double seconds) {
  if (seconds <= 0) return "-";
  const std::time_t time = static_cast<std::time_t>(seconds);
  std::tm local{};
  ::localtime_r(&time, &local);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &local);
  return text;
}

std::string Duration(double seconds) {
  if (seconds < 0) return "-";
  if (seconds < 60) return fmt::format("{:.2f}s", seconds);
  return fmt::format("{}m{:02}s", static_cast<int>(seconds) / 60, static_cast<int>(seconds) % 60);
}

std::string RunDuration(const RunRecord& run) {
  return run.ended_at > 0 ? Duration(run.ended_at - run.started_at) : "-";
}

std::unique_ptr<RunStore> OpenStore(const std::filesystem::path& workdir) {
  const std::filesystem::path database = workdir / "ctp.db";
  if (!std::filesystem::exists(database)) return nullptr;
  return std::make_unique<RunStore>(database);
}

RunRecord RequireRun(const RunStore& store, const std::string& id) {
  std::optional<RunRecord> run = store.FindRun(id);
  if (run) return *run;
  std::vector<std::string> ids;
  for (const RunRecord& r : store.Runs()) ids.push_back(r.id);
  throw std::invalid_argument(fmt::format("no run '{}'{}", id, DidYouMean(id, ids)));
}

std::string ListRuns(const RunStore& store) {
  std::string out = fmt::format("{:<36} {:<16} {:<12} {:<20} {}\n", "RUN", "PIPELINE", "STATUS",
                                "STARTED", "DURATION");
  for (const RunRecord& run : store.Runs())
    out += fmt::format("{:<36} {:<16} {:<12} {:<20} {}\n", run.id, run.pipeline,
                       StatusName(run.status), Time(run.started_at), RunDuration(run));
  return out;
}

// `text` on one line, shortened to `limit` characters.
std::string OneLine(std::string text, std::size_t limit = 200) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  if (text.size() > limit) text = text.substr(0, limit - 3) + "...";
  return text;
}

std::string ShowRun(const RunStore& store, const std::string& id) {
  const RunRecord run = RequireRun(store, id);
  std::string out =
      fmt::format("run {} of pipeline '{}' ({}): {}\nstarted {}, took {}\n", run.id, run.pipeline,
                  run.script, StatusName(run.status), Time(run.started_at), RunDuration(run));
  out += "params:\n";
  for (const auto& [name, value] : run.params) out += fmt::format("  {} = {}\n", name, value);
  out += fmt::format("steps:\n  {:<28} {:<11} {:>8} {:>10}  {:<5}  {}\n", "STEP", "STATUS",
                     "ATTEMPTS", "DURATION", "CACHE", "NOTE");
  for (const StepRecord& step : store.Steps(run.id))
    out += fmt::format("  {:<28} {:<11} {:>8} {:>10}  {:<5}  {}\n", step.step,
                       StatusName(step.status), step.attempts, Duration(step.duration),
                       step.cache_hit ? "hit" : "-", step.message);
  std::string outputs;
  for (const StepRecord& step : store.Steps(run.id))
    for (const auto& [name, value] : step.outputs)
      outputs += fmt::format("  {:<28} {:<24} {}\n", step.step, name, OneLine(value));
  if (!outputs.empty()) out += "outputs:\n" + outputs;
  const std::vector<MetricRecord> metrics = store.Metrics(run.id);
  if (!metrics.empty()) out += "metrics:\n";
  for (const MetricRecord& metric : metrics)
    out += fmt::format("  {:<28} {:<24} {}{}\n", metric.step, metric.name, metric.value,
                       metric.index >= 0 ? fmt::format(" (step {})", metric.index) : "");
  return out;
}

// The last value of each metric of a run, by "step/name".
std::map<std::string, double> FinalMetrics(const RunStore& store, const std::string& id) {
  std::map<std::string, double> values;
  for (const MetricRecord& metric : store.Metrics(id))
    values[metric.step + "/" + metric.name] = metric.value;
  return values;
}

std::string CompareRuns(const RunStore& store, const std::string& a, const std::string& b) {
  const RunRecord first = RequireRun(store, a), second = RequireRun(store, b);
  const std::size_t width = std::max<std::size_t>(24, std::max(a.size(), b.size()));
  std::string out = fmt::format("{:<32} {:<{}} {:<{}}\n", "", a, width, b, width);
  auto row = [&](const std::string& label, const std::string& x, const std::string& y) {
    out += fmt::format("{:<32} {:<{}} {:<{}}{}\n", label, x, width, y, width, x == y ? "" : "  *");
  };
  row("pipeline", first.pipeline, second.pipeline);
  row("status", std::string(StatusName(first.status)), std::string(StatusName(second.status)));
  row("duration", RunDuration(first), RunDuration(second));
  std::set<std::string> params;
  for (const auto& [name, value] : first.params) params.insert(name);
  for (const auto& [name, value] : second.params) params.insert(name);
  for (const std::string& name : params) {
    auto x = first.params.find(name), y = second.params.find(name);
    row("param " + name, x == first.params.end() ? "-" : x->second,
        y == second.params.end() ? "-" : y->second);
  }
  const auto mx = FinalMetrics(store, first.id), my = FinalMetrics(store, second.id);
  std::set<std::string> metrics;
  for (const auto& [name, value] : mx) metrics.insert(name);
  for (const auto& [name, value] : my) metrics.insert(name);
  for (const std::string& name : metrics) {
    auto x = mx.find(name), y = my.find(name);
    row("metric " + name, x == mx.end() ? "-" : fmt::format("{}", x->second),
        y == my.end() ? "-" : fmt::format("{}", y->second));
  }
  return out;
}

}  // namespace

Command AddRunsCommand(CLI::App& app) {
  struct Options {
    std::string workdir, show_id, first, second, logs_id;
    RunLogsRequest logs;
  };
  auto options = std::make_shared<Options>();
  CLI::App* command = app.add_subcommand("runs", "list, show and compare past local runs");
  AddWorkdirOption(*command, options->workdir);
  CLI::App* show = command->add_subcommand("show", "a run's parameters, steps and metrics");
  show->add_option("RUN", options->show_id,
                   "the run id (latest = the newest, latest~1 the one before)")
      ->required();
  show->fallthrough();  // --workdir may come after the run id
  CLI::App* compare = command->add_subcommand("compare", "two runs' parameters and metrics");
  compare->fallthrough();
  compare->add_option("A", options->first, "a run id (or latest, latest~N)")->required();
  compare->add_option("B", options->second, "another run id")->required();
  CLI::App* logs = command->add_subcommand("logs", "the logs of a run's steps");
  logs->fallthrough();
  logs->add_option("RUN", options->logs_id, "the run id (or latest, latest~N)")->required();
  logs->add_option("STEP", options->logs.step,
                   "one step (`train`, a loop's `sweep` or `sweep[2]`); all steps when left out");
  logs->add_flag("-f,--follow", options->logs.follow,
                 "keep printing what the steps log until the run ends");
  return [options, show, compare, logs] {
    const std::filesystem::path workdir = WorkdirOf(options->workdir);
    std::unique_ptr<RunStore> store = OpenStore(workdir);
    if (!store) {
      if (show->parsed() || compare->parsed() || logs->parsed())
        throw std::invalid_argument(fmt::format("no runs in workdir '{}'", workdir.string()));
      std::cout << fmt::format("no runs in workdir '{}'\n", workdir.string());
      return kOk;
    }
    if (show->parsed())
      std::cout << ShowRun(*store, options->show_id);
    else if (compare->parsed())
      std::cout << CompareRuns(*store, options->first, options->second);
    else if (logs->parsed())
      PrintRunLogs(*store, Workspace(workdir), RequireRun(*store, options->logs_id), options->logs,
                   std::cout);
    else
      std::cout << ListRuns(*store);
    return kOk;
  };
}

}  // namespace ctp::cli
