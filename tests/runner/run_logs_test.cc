// What a failed step shows in `ctp run` (its last log lines and the log's path) and what
// `ctp runs logs RUN [STEP]` prints.
#include <doctest/doctest.h>

#include <fstream>

#include "background_ctp.h"
#include "run_ctp.h"
#include "runner_support.h"

namespace ctp::testing {
namespace {

TEST_CASE("a failed step prints its log's tail and path; ctp runs logs prints the logs") {
  ScratchDir dir;
  const std::string workdir = " --workdir '" + dir.path().string() + "'";
  CommandResult run = RunCtp("run tests/runner/scripts/failing_step.lua --plain" + workdir);
  INFO(run.out, run.err);
  REQUIRE(run.exit_code == 1);
  const std::string log = (std::filesystem::canonical(dir.path()) / "runs").string();
  const std::size_t failed = run.out.find("fail failed (");
  REQUIRE(failed != std::string::npos);
  const std::string after = run.out.substr(run.out.find('\n', failed) + 1);
  CHECK(after.rfind("  | line 4\n  | line 5\n", 0) == 0);  // 10 lines: the last 9 and stderr's
  CHECK(after.find("  | line 12\n  | oops\n  log: " + log) != std::string::npos);
  CHECK(after.find("/fail/log.txt\n") != std::string::npos);

  CommandResult one = RunCtp("runs logs latest fail" + workdir);
  CHECK(one.exit_code == 0);
  CHECK(one.out.rfind("line 1\nline 2\n", 0) == 0);
  CHECK(one.out.find("line 12\noops\n") != std::string::npos);

  CommandResult loop = RunCtp("runs logs latest each" + workdir);
  CHECK(loop.exit_code == 0);
  CHECK(loop.out == "each[0] | item a\neach[1] | item b\n");

  CommandResult all = RunCtp("runs logs latest" + workdir);
  CHECK(all.exit_code == 0);
  CHECK(all.out.find("each[1] | item b\n") != std::string::npos);
  CHECK(all.out.find("fail | line 12\nfail | oops\n") != std::string::npos);

  CommandResult followed = RunCtp("runs logs latest each[1] --follow" + workdir);  // ended: no wait
  CHECK(followed.exit_code == 0);
  CHECK(followed.out == "item b\n");

  CommandResult unknown = RunCtp("runs logs latest fial" + workdir);
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err.find("has no step 'fial' (did you mean 'fail'?)") != std::string::npos);
  CommandResult no_run = RunCtp("runs logs latest~1" + workdir);
  CHECK(no_run.exit_code == 2);
  CHECK(no_run.err.find("no run 'latest~1'") != std::string::npos);
}

TEST_CASE("ctp runs logs --follow prints a running step's lines as they come, until the run ends") {
  ScratchDir dir;
  const std::string workdir = dir.path().string();
  BackgroundCtp run({"run", "tests/runner/scripts/log_until_go.lua", "-p", "dir=" + workdir,
                     "--plain", "--workdir", workdir},
                    dir.path() / "run.out");
  auto talk_log = [&] {  // <workdir>/runs/<run-id>/talk/log.txt, once the run has started
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(dir.path() / "runs", error))
      return FileText(entry.path() / "talk" / "log.txt");
    return std::string();
  };
  REQUIRE(WaitFor([&] { return talk_log() == "start\n"; }));
  BackgroundCtp follow({"runs", "logs", "latest", "talk", "--follow", "--workdir", workdir},
                       dir.path() / "follow.out");
  REQUIRE(WaitFor([&] { return FileText(dir.path() / "follow.out") == "start\n"; }));
  std::ofstream(dir.path() / "go") << "";
  CHECK(run.Wait() == 0);
  CHECK(follow.Wait() == 0);
  CHECK(FileText(dir.path() / "follow.out") == "start\nend\n");
}

}  // namespace
}  // namespace ctp::testing
