// The lock on each volume folder a run mounts: a second run from another workdir is refused
// before it starts anything, with a message naming the volume, its folder and the holder; runs
// one after the other share a volume; a holder killed with SIGKILL leaves no lock behind.
#include "volume_lock.h"

#include <doctest/doctest.h>
#include <signal.h>
#include <unistd.h>

#include "background_ctp.h"
#include "run_ctp.h"
#include "runner_support.h"

namespace ctp::testing {
namespace {

std::string Quote(const std::filesystem::path& path) { return "'" + path.string() + "'"; }

std::string InUse(const std::filesystem::path& folder, const std::string& holder) {
  return "volume 'nfs-data' (" + folder.string() + ") is in use by " + holder +
         "; wait for it to finish or give this run another folder with --volume nfs-data=PATH";
}

TEST_CASE("a locked volume folder refuses a second lock, naming the holder, until it is released") {
  ScratchDir dir;
  const std::filesystem::path folder = dir.path() / "data";
  std::optional<runner::VolumeLock> first;
  first.emplace("nfs-data", folder, "/work/one", "p-20261207-101010-ab12");
  CHECK(FileText(folder / ".ctp-lock") ==
        std::to_string(::getpid()) + "\n/work/one\np-20261207-101010-ab12\n");
  CHECK_THROWS_WITH_AS(
      runner::VolumeLock("nfs-data", folder, "/work/two", "p-2"),
      InUse(folder, "run p-20261207-101010-ab12 of /work/one (pid " + std::to_string(::getpid()) +
                        ")")
          .c_str(),
      std::runtime_error);
  first.reset();
  runner::VolumeLock second("nfs-data", folder, "/work/two", "p-2");
  CHECK(FileText(folder / ".ctp-lock") == std::to_string(::getpid()) + "\n/work/two\np-2\n");
}

TEST_CASE("a run locks each folder it mounts once: --volume folders and the workdir's own") {
  ScratchDir dir;
  Pipeline pipeline = Script(R"(
    local ctp = require "ctp"
    local a = ctp.volume { name = "a", claim = "claim-a" }
    local b = ctp.volume { name = "b", claim = "claim-b" }
    local c = ctp.volume { name = "c", claim = "claim-c" }
    local tmp = ctp.volume { name = "tmp", empty_dir = true }
    local s = ctp.container { name = "s", image = "x", command = { "true" },
      mounts = { a:mount("/a"), b:mount("/b"), c:mount("/c"), tmp:mount("/tmp") } }
    return ctp.pipeline { name = "p", steps = { s } })");
  const std::filesystem::path shared = dir.path() / "shared";
  std::filesystem::create_directories(shared);
  RunOptions options;
  options.volumes = {{"claim-a", shared}, {"claim-b", shared / "."}};
  const Workspace workspace(dir.path() / "work");
  const auto locks = runner::LockVolumes(pipeline, options, workspace, "p-1");
  CHECK(locks.size() == 2);  // a and b share a folder; tmp is the step's scratch
  CHECK(std::filesystem::exists(shared / ".ctp-lock"));
  CHECK(FileText(dir.path() / "work/volumes/claim-c/.ctp-lock") ==
        std::to_string(::getpid()) + "\n" +
            std::filesystem::absolute(dir.path() / "work").lexically_normal().string() + "\np-1\n");
}

TEST_CASE("a run whose volume another run holds fails before it writes anything") {
  ScratchDir dir;
  const std::filesystem::path folder = dir.path() / "data";
  runner::VolumeLock other("nfs-data", folder, "/elsewhere", "volume-1");
  const Pipeline pipeline = Script(FileText(SourcePath("tests/runner/scripts/volume.lua")));
  const std::filesystem::path workdir = dir.path() / "work";
  CHECK_THROWS_WITH_AS(RunIn(pipeline, workdir,
                             [&](RunOptions& options) { options.volumes["nfs-data"] = folder; }),
                       InUse(folder, "run volume-1 of /elsewhere (pid " +
                                         std::to_string(::getpid()) + ")")
                           .c_str(),
                       std::runtime_error);
  CHECK_FALSE(std::filesystem::exists(workdir / "runs"));
  CHECK(RunStore(workdir / "ctp.db").Runs().empty());
}

TEST_CASE("ctp run refuses a volume another workdir's run holds; one after the other they share it") {
  ScratchDir dir;
  const std::filesystem::path volume = dir.path() / "volume";
  std::filesystem::create_directories(volume);
  const std::filesystem::path one = dir.path() / "one", two = dir.path() / "two";
  auto args = [&](const std::filesystem::path& workdir) {
    return " -p dir=" + Quote(dir.path()) + " --volume nfs-data=" + Quote(volume) +
           " --plain --workdir " + Quote(workdir);
  };
  BackgroundCtp holder({"run", "tests/runner/scripts/volume_hold.lua", "-p",
                        "dir=" + dir.path().string(), "--volume", "nfs-data=" + volume.string(),
                        "--plain", "--workdir", one.string()},
                       dir.path() / "holder.out");
  REQUIRE(holder.pid() > 0);
  REQUIRE(WaitFor([&] { return !FileText(dir.path() / "hold_pid").empty(); }));
  INFO(FileText(dir.path() / "holder.out"));
  std::vector<std::string> ids;
  for (const auto& entry : std::filesystem::directory_iterator(one / "runs"))
    ids.push_back(entry.path().filename().string());
  REQUIRE(ids.size() == 1);

  CommandResult refused = RunCtp("run tests/runner/scripts/volume_hold.lua" + args(two));
  CHECK(refused.exit_code == 1);
  CHECK(refused.err == "ctp run: error: " +
                           InUse(volume, "run " + ids[0] + " of " + one.string() + " (pid " +
                                             std::to_string(holder.pid()) + ")") +
                           "\n");
  CHECK(refused.out.empty());
  CHECK_FALSE(std::filesystem::exists(two / "runs"));

  std::ofstream(dir.path() / "go").put('\n');
  CHECK(holder.Wait() == 0);
  CommandResult after = RunCtp("run tests/runner/scripts/volume_hold.lua" + args(two));
  CHECK(after.exit_code == 0);
  CHECK(FileText(volume / "log") == "held\nheld\n");
}

TEST_CASE("the volume lock of a ctp killed with SIGKILL is gone with it, not kept by its steps") {
  ScratchDir dir;
  const std::filesystem::path volume = dir.path() / "volume", later = dir.path() / "later";
  std::filesystem::create_directories(volume);
  std::filesystem::create_directories(later);
  BackgroundCtp holder({"run", "tests/runner/scripts/volume_hold.lua", "-p",
                        "dir=" + dir.path().string(), "--volume", "nfs-data=" + volume.string(),
                        "--plain", "--workdir", (dir.path() / "one").string()},
                       dir.path() / "holder.out");
  REQUIRE(holder.pid() > 0);
  REQUIRE(WaitFor([&] { return !FileText(dir.path() / "hold_pid").empty(); }));
  holder.Kill();
  // Its step goes on (its workdir's next run would end it); the lock went with the runner.
  const int leftover = std::stoi(FileText(dir.path() / "hold_pid"));
  std::ofstream(later / "go").put('\n');  // the second run's step does not wait
  CommandResult after =
      RunCtp("run tests/runner/scripts/volume_hold.lua -p dir=" + Quote(later) +
             " --volume nfs-data=" + Quote(volume) + " --plain --workdir " +
             Quote(dir.path() / "two"));
  INFO(after.out, after.err);
  CHECK(after.exit_code == 0);
  CHECK(FileText(volume / "log") == "held\n");
  ::kill(-leftover, SIGKILL);
}

}  // namespace
}  // namespace ctp::testing
