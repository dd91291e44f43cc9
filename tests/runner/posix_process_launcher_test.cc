// The POSIX process launcher: a process past its timeout is killed with its process group; the
// caller learns the group as soon as the process has started.
#include <doctest/doctest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "ctp/runner/process_launcher.h"
#include "process_groups.h"
#include "runner_support.h"

namespace ctp::testing {
namespace {

TEST_CASE("a process past its timeout is killed with its process group") {
  ScratchDir dir;
  ProcessSpec spec;
  spec.argv = {"sh", "-c", "sleep 30 & echo $! > " + (dir / "child") + "; wait"};
  spec.log_file = dir.path() / "log.txt";
  spec.timeout = std::chrono::seconds(1);
  const std::atomic<bool> cancelled = false;
  const ProcessResult result = MakePosixProcessLauncher()->Run(spec, cancelled);
  CHECK(result.timed_out);
  CHECK_FALSE(result.cancelled);
  const std::string child = FileText(dir.path() / "child");
  REQUIRE(!child.empty());
  // The background `sleep` was in the group: it is gone (or a zombie waiting to be reaped). The
  // kernel delivers the group's SIGKILL asynchronously, so look until it is (at most 10 s).
  const std::string proc = "/proc/" + std::to_string(std::stoi(child)) + "/stat";
  auto ended = [&] {
    const std::string stat = FileText(proc);
    return stat.empty() || stat.find(") Z") != std::string::npos ||
           stat.find(") X") != std::string::npos;
  };
  for (int look = 0; look < 1000 && !ended(); ++look)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(ended());
}


TEST_CASE("the started callback gets the process's group while the process runs") {
  ScratchDir dir;
  ProcessSpec spec;
  spec.argv = {"sh", "-c", "echo $$ > " + (dir / "pid")};
  int started = 0, group = 0;
  spec.started = [&](int pid) {
    started = pid;
    group = ::getpgid(pid);
  };
  const std::atomic<bool> cancelled = false;
  const ProcessResult result = MakePosixProcessLauncher()->Run(spec, cancelled);
  CHECK(result.exit_code == 0);
  CHECK(started > 0);
  CHECK(group == started);  // the leader of a group of its own
  CHECK(FileText(dir.path() / "pid") == std::to_string(started) + "\n");
}

TEST_CASE("a started callback that throws kills the process and passes the exception on") {
  ProcessSpec spec;
  spec.argv = {"sleep", "30"};
  int started = 0;
  spec.started = [&](int pid) {
    started = pid;
    throw std::runtime_error("run store: database is locked");
  };
  const std::atomic<bool> cancelled = false;
  CHECK_THROWS_WITH_AS(MakePosixProcessLauncher()->Run(spec, cancelled),
                       "run store: database is locked", std::runtime_error);
  REQUIRE(started > 0);
  CHECK(runner::LiveGroupMembers(started).empty());
}

}  // namespace
}  // namespace ctp::testing
