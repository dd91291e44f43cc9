// The POSIX process launcher: a process past its timeout is killed with its process group.
#include <doctest/doctest.h>

#include <atomic>
#include <string>

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
  // The background `sleep` was in the group: it is gone (or a zombie waiting to be reaped).
  const std::string stat = FileText("/proc/" + std::to_string(std::stoi(child)) + "/stat");
  CHECK((stat.empty() || stat.find(") Z") != std::string::npos));
}

}  // namespace
}  // namespace ctp::testing
