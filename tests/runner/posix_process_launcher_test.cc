// The POSIX process launcher: a process past its timeout is killed with its process group.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "ctp/runner/process_launcher.h"
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

}  // namespace
}  // namespace ctp::testing
