// Progress output: plain lines, the live view's redraws, and the summary table.
#include "progress.h"  // runner/ (internal header)

#include <doctest/doctest.h>

#include <sstream>

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
        "deploy omitted: upstream step 'train' did not succeed\n");
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
