// Progress output: plain lines, the live view's redraws, and the summary table.
#include "progress.h"  // runner/ (internal header)

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

namespace ctp::testing {
namespace {

std::string WithoutClock(const std::string& text) {
  // Plain lines start with HH:MM:SS and a space.
  std::istringstream in(text);
  std::string line, out;
  while (std::getline(in, line))
    out += (line.size() > 9 && line[2] == ':' ? line.substr(9) : line) + "\n";
  return out;
}

TEST_CASE("plain progress is one timestamped line per event") {
  std::ostringstream out;
  runner::ProgressView view(out, ProgressStyle::kPlain, false);
  view.Started("train", "/nonexistent/log.txt");
  view.Progress("train", {1, 4, "epochs", "loss 0.5"});
  view.Finished("train", "failed", 1.5, false, "exited with code 2");
  view.Settled("deploy", "omitted", "upstream step 'train' did not succeed");
  CHECK(WithoutClock(out.str()) ==
        "train started\n"
        "train failed (1.50s): exited with code 2\n"
        "  log: /nonexistent/log.txt\n"
        "deploy omitted: upstream step 'train' did not succeed\n");
}

TEST_CASE("a failed step shows its attempt's last log lines and the log's path") {
  const std::filesystem::path log =
      std::filesystem::temp_directory_path() / ("ctp_progress_log_" + std::to_string(::getpid()));
  std::ofstream(log) << "first attempt\n";
  std::ostringstream out;
  runner::ProgressView view(out, ProgressStyle::kPlain, false);
  view.Started("train", log);  // a retry: the earlier attempt's lines are not this attempt's
  {
    std::ofstream append(log, std::ios::app);
    for (int i = 1; i <= 12; ++i) append << "line " << i << "\n";
    append << "Traceback: no such file";  // no newline at the end
  }
  view.Finished("train", "failed", 2, false, "exited with code 3");
  CHECK(WithoutClock(out.str()) ==
        "train started\n"
        "train failed (2.00s): exited with code 3\n"
        "  | line 4\n  | line 5\n  | line 6\n  | line 7\n  | line 8\n  | line 9\n"
        "  | line 10\n  | line 11\n  | line 12\n  | Traceback: no such file\n"
        "  log: " + log.string() + "\n");

  // --verbose streams each attempt's own lines once, then names the log when it fails.
  std::ostringstream verbose_out;
  runner::ProgressView verbose(verbose_out, ProgressStyle::kPlain, true);
  std::ofstream(log) << "attempt 1\n";
  verbose.Started("train", log);
  std::ofstream(log, std::ios::app) << "attempt 2\n";
  verbose.Finished("train", "retrying", 1, false, "exited with code 1");
  CHECK(WithoutClock(verbose_out.str()) ==
        "train started\n"
        "train | attempt 2\n"
        "train retrying (1.00s): exited with code 1\n"
        "  log: " + log.string() + "\n");
  std::filesystem::remove(log);
}

TEST_CASE("the live view redraws one line per running step with its progress bar") {
  std::ostringstream out;
  runner::ProgressView view(out, ProgressStyle::kLive, false);
  view.Started("train", "/nonexistent/log.txt");
  view.Progress("train", {2, 4, "epochs", "loss 0.41"});
  view.Tick();
  const std::string first = out.str();
  CHECK(first.find("\x1b[1mtrain") != std::string::npos);
  CHECK(first.find("[##########..........] 2/4 epochs loss 0.41\n") != std::string::npos);
  view.Tick();  // moves up over the previous drawing and clears it
  CHECK(out.str().substr(first.size()).rfind("\x1b[1A\x1b[J", 0) == 0);
}

TEST_CASE("the summary table lists status, attempts, duration and cache hits") {
  std::vector<StepRecord> steps = {
      {"r", "greet", RunStatus::kSucceeded, 1, 0, 0.25, true, {}, "", ""},
      {"r", "count", RunStatus::kFailed, 3, 1, 75, false, {}, "", ""},
  };
  CHECK(runner::SummaryTable(steps) ==
        "STEP                         STATUS      ATTEMPTS   DURATION  CACHE\n"
        "greet                        succeeded          1      0.25s  hit\n"
        "count                        failed             3      1m15s  -\n");
}

}  // namespace
}  // namespace ctp::testing
