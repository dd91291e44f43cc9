#include "report_command.h"

#include <iostream>
#include <memory>

#include "workdir_option.h"
#include "ctp/report/html_report.h"
#include "ctp/report/report_loader.h"

namespace ctp::cli {

int WriteRunReport(StoredRun run, const std::string& output) {
  if (!run.run_dir.empty()) report::LoadRunFolder(run.run_dir, run.report);
  for (const std::filesystem::path& root : run.data_roots)
    report::LoadTiledSlides(root, run.report);
  const std::string html = report::RenderHtmlReport(run.report);
  const std::string path = output.empty() ? (run.run_dir / "report.html").string() : output;
  WriteOutput(path, html);
  if (path != "-") std::cerr << "report: " << path << "\n";
  return kOk;
}

Command AddReportCommandWith(CLI::App& app, RunStoreReader read_run) {
  struct Options {
    std::string run_id, output, workdir;
  };
  auto options = std::make_shared<Options>();
  CLI::App* command = app.add_subcommand("report", "write a self-contained HTML report of a run");
  command->add_option("RUN_ID", options->run_id, "the run (see `ctp runs`; latest = the newest, latest~N the Nth before it)")
      ->required();
  command->add_option("-o,--output", options->output,
                      "the HTML file ('-' for stdout; default <workdir>/runs/RUN_ID/report.html)");
  AddWorkdirOption(*command, options->workdir);
  return [options, read_run = std::move(read_run)] {
    return WriteRunReport(read_run(WorkdirOf(options->workdir), options->run_id), options->output);
  };
}

}  // namespace ctp::cli
