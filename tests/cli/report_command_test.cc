// `ctp report`'s glue with a stand-in for the run store's reader: the options, where the file
// goes, and the run's files added to what the store gave.
#include "report_command.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <fstream>
#include <stdexcept>

#include "golden.h"

namespace fs = std::filesystem;

namespace {

/// A run store with one run, "r1", whose files are under <workdir>/runs/r1.
ctp::cli::StoredRun ReadFakeStore(const fs::path& workdir, const std::string& run_id) {
  if (run_id != "r1")
    throw std::invalid_argument("no run '" + run_id + "' in " + (workdir / "ctp.db").string());
  ctp::cli::StoredRun run;
  run.report.run_id = run_id;
  run.report.pipeline = "glue-test";
  run.report.steps.push_back({});
  run.report.steps[0].step = "train";
  run.report.steps[0].status = ctp::RunStatus::kSucceeded;
  run.run_dir = workdir / "runs" / run_id;
  run.data_roots = {workdir / "volumes" / "data"};
  return run;
}

/// Parses `arguments` as the command line after `ctp` and runs the report command.
int RunReportCommand(const std::string& arguments) {
  CLI::App app;
  ctp::cli::Command run = ctp::cli::AddReportCommandWith(app, ReadFakeStore);
  app.parse(arguments, false);
  return run();
}

}  // namespace

TEST_CASE("ctp report glue: writes the run's report into its folder, or where -o says") {
  const fs::path workdir =
      fs::temp_directory_path() / ("ctp_report_glue_" + std::to_string(::getpid()));
  fs::remove_all(workdir);
  fs::create_directories(workdir / "runs" / "r1" / "train");
  std::ofstream(workdir / "runs" / "r1" / "train" / "log.txt")
      << "metric: train_loss=0.25 (step 1)\n";
  fs::create_directories(workdir / "volumes" / "data" / "preprocess-metadata");
  std::ofstream(workdir / "volumes" / "data" / "preprocess-metadata" / "s1.json")
      << R"({"slide": "s1.svs", "patch_size": 32, "patches": [{"x": 0, "y": 0, "label": "positive"}]})";

  CHECK(RunReportCommand("report r1 --workdir " + workdir.string()) == ctp::cli::kOk);
  const std::string html =
      ctp::testing::ReadText((workdir / "runs" / "r1" / "report.html").string());
  CHECK(html.find("<title>ctp run r1 · glue-test</title>") != std::string::npos);
  CHECK(html.find("data-metric=\"train_loss\"") != std::string::npos);
  CHECK(html.find("data-slide=\"s1.svs\"") != std::string::npos);

  CHECK(RunReportCommand("report r1 -o " + (workdir / "out" / "r.html").string() + " --workdir " +
                         workdir.string()) == ctp::cli::kOk);
  CHECK(ctp::testing::ReadText((workdir / "out" / "r.html").string()) == html);

  ::setenv("CTP_WORKDIR", workdir.string().c_str(), 1);
  CHECK_THROWS_WITH_AS(RunReportCommand("report r2"),
                       ("no run 'r2' in " + (workdir / "ctp.db").string()).c_str(),
                       std::invalid_argument);
  ::unsetenv("CTP_WORKDIR");
  CHECK_THROWS_WITH_AS(RunReportCommand("report r3"),
                       ("no run 'r3' in " + (fs::path(".ctp") / "ctp.db").string()).c_str(),
                       std::invalid_argument);
  CHECK_THROWS_AS(RunReportCommand("report"), CLI::RequiredError);
  fs::remove_all(workdir);
}
