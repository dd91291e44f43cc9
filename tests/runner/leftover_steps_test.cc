// Container steps a killed ctp left running: the process groups recorded in the run store are
// ended before the next run in the workdir starts anything (EndLeftoverSteps), and `ctp run`,
// with --resume or without, never commits what such a leftover wrote.
#include "leftover_steps.h"

#include <doctest/doctest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "background_ctp.h"
#include "fake_launcher.h"
#include "process_groups.h"
#include "run_ctp.h"
#include "runner_support.h"

namespace ctp::testing {
namespace {

std::string Quote(const std::filesystem::path& path) { return "'" + path.string() + "'"; }

/// `sh -c SCRIPT` started by the test in a process group of its own; killed (group and all) and
/// reaped with the object.
class Group {
 public:
  explicit Group(const std::string& script) {
    std::vector<std::string> args = {"/bin/sh", "-c", script};
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attributes, 0);
    if (::posix_spawn(&pid_, argv[0], nullptr, &attributes, argv.data(), environ) != 0) pid_ = -1;
    posix_spawnattr_destroy(&attributes);
    start_time_ = runner::ProcessStartTime(pid_).value_or(-1);
  }
  ~Group() {
    if (pid_ <= 0) return;
    if (Running()) ::kill(-pid_, SIGKILL);
    Reap();
  }
  Group(const Group&) = delete;
  Group& operator=(const Group&) = delete;

  int pgid() const { return pid_; }
  long long start_time() const { return start_time_; }
  /// Waits for the leader to end and reaps it.
  void Reap() {
    int status = 0;
    if (leader_running_) ::waitpid(pid_, &status, 0);
    leader_running_ = false;
  }
  bool Running() const { return !runner::LiveGroupMembers(pid_).empty(); }
  /// The record a runner would have made of this group for task `task` of run `run_id`.
  StepProcessRecord Record(const std::string& run_id, const std::string& task) const {
    return {run_id, task, 1, pid_, start_time_, runner::BootId(), {}};
  }

 private:
  pid_t pid_ = -1;
  long long start_time_ = -1;
  bool leader_running_ = true;
};

/// A run store in a workdir with run `r1` whose step `work` is running.
struct Fixture {
  ScratchDir dir;
  Workspace workspace{dir.path()};
  RunStore store{workspace.Database()};
  FakeLauncher launcher;
  std::ostringstream out;
  Fixture() {
    store.SaveRun({"r1", "p", "p.lua", {}, RunStatus::kRunning, 1, 0});
    store.SaveStep({"r1", "work", RunStatus::kRunning, 1, 0, 0, false, {}, "", ""});
  }
  void End(std::chrono::milliseconds grace = runner::kLeftoverGrace) {
    runner::EndLeftoverSteps(store, workspace, launcher, out, grace);
  }
};

TEST_CASE("a step's process group left running is ended with SIGTERM, noted and forgotten") {
  Fixture f;
  Group group("while :; do sleep 0.02; done");
  REQUIRE(group.Running());
  f.store.SaveStepProcess(group.Record("r1", "work"));
  f.End();
  const std::string pgid = std::to_string(group.pgid());
  CHECK(f.out.str() == "step 'work' of run r1 was left running by a killed ctp (process group " +
                           pgid + "): ended it with SIGTERM\n");
  CHECK_FALSE(group.Running());
  CHECK(f.store.StepProcesses().empty());
  CHECK(f.store.Steps("r1").at(0).message ==
        "its ctp was killed; the next run ended process group " + pgid + " with SIGTERM");
  CHECK(f.launcher.Specs().empty());  // no stop command recorded
}

TEST_CASE("a group that ignores SIGTERM gets SIGKILL after the grace period") {
  Fixture f;
  Group group("trap '' TERM; while :; do sleep 0.02; done");
  REQUIRE(group.Running());
  f.store.SaveStepProcess(group.Record("r1", "work"));
  f.End(std::chrono::milliseconds(100));
  CHECK(f.out.str() == "step 'work' of run r1 was left running by a killed ctp (process group " +
                           std::to_string(group.pgid()) +
                           "): ended it with SIGKILL (SIGTERM did not end it within 0.1s)\n");
  CHECK_FALSE(group.Running());
}

TEST_CASE("a group whose leader has ended lives on in its descendants, and is ended") {
  Fixture f;
  Group group("sleep 30 & exit 0");
  group.Reap();  // the leader is gone; the background sleep keeps the group
  REQUIRE(group.Running());
  f.store.SaveStepProcess(group.Record("r1", "work"));
  f.End();
  CHECK(f.out.str().find("ended it with SIGTERM\n") != std::string::npos);
  CHECK_FALSE(group.Running());
}

TEST_CASE("a recorded group id that is now another process's, or of another boot, is left alone") {
  Fixture f;
  Group group("while :; do sleep 0.02; done");
  StepProcessRecord later = group.Record("r1", "work");
  later.start_time += 1;  // the id was given to a process that started later
  StepProcessRecord rebooted = group.Record("r1", "other");
  rebooted.boot_id = "another-boot";
  f.store.SaveStepProcess(later);
  f.store.SaveStepProcess(rebooted);
  f.End();
  CHECK(f.out.str().empty());
  CHECK(group.Running());
  CHECK(f.store.StepProcesses().empty());
  CHECK(f.store.Steps("r1").at(0).message.empty());
}

TEST_CASE("a record whose group has ended is forgotten without a word") {
  Fixture f;
  StepProcessRecord record;
  {
    Group group("exit 0");
    group.Reap();
    record = group.Record("r1", "work");
  }
  f.store.SaveStepProcess(record);
  f.End();
  CHECK(f.out.str().empty());
  CHECK(f.store.StepProcesses().empty());
}

TEST_CASE("a container's stop command runs after its client's group ended, into the step's log") {
  Fixture f;
  Group group("while :; do sleep 0.02; done");
  StepProcessRecord record = group.Record("r1", "work");
  record.stop_command = {"docker", "kill", "ctp-r1-work"};
  f.store.SaveStepProcess(record);
  f.End();
  REQUIRE(f.launcher.Specs().size() == 1);
  CHECK(f.launcher.Specs()[0].argv == record.stop_command);
  CHECK(f.launcher.Specs()[0].log_file == f.workspace.TaskDir("r1", "work") / "log.txt");
  CHECK(FileText(f.workspace.TaskDir("r1", "work") / "log.txt") ==
        "ctp: docker kill ctp-r1-work\n");
  CHECK_FALSE(group.Running());
}

TEST_CASE("a run records its container steps' process groups while they run, and clears them") {
  ScratchDir dir;
  // The step waits (at most 30 s) until the test has looked at the run store.
  Pipeline pipeline = Script(R"(
    local ctp = require "ctp"
    local s = ctp.container { name = "s", image = "x", command = { "sh", "-c",
      "echo $$ > )" + (dir / "pid") + R"(; i=0; while [ ! -e )" + (dir / "seen") +
                             R"( ] && [ $i -lt 1500 ]; do sleep 0.02; i=$((i+1)); done" } }
    return ctp.pipeline { name = "p", steps = { s } })");
  const std::filesystem::path workdir = dir.path() / "work";
  std::vector<StepProcessRecord> seen;
  std::thread watcher([&] {
    WaitFor([&] { return !FileText(dir.path() / "pid").empty(); });
    RunStore store(workdir / "ctp.db");  // a connection of its own, as another ctp would have
    WaitFor([&] { return !(seen = store.StepProcesses()).empty(); });
    std::ofstream(dir.path() / "seen").put('\n');
  });
  Ran ran = RunIn(pipeline, workdir);
  watcher.join();
  CHECK(ran.result.status == RunStatus::kSucceeded);
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].run_id == ran.result.run_id);
  CHECK(seen[0].task == "s");
  CHECK(seen[0].attempt == 1);
  CHECK(std::to_string(seen[0].pgid) + "\n" == FileText(dir.path() / "pid"));
  CHECK(seen[0].start_time > 0);
  CHECK(seen[0].boot_id == runner::BootId());
  CHECK(seen[0].stop_command.empty());
  CHECK(RunStore(workdir / "ctp.db").StepProcesses().empty());
}

TEST_CASE("a task that runs again in a resumed run starts without the outputs of before") {
  ScratchDir dir;
  const char* source = R"(
    local ctp = require "ctp"
    local p = ctp.params { word = ctp.string {} }
    local s = ctp.container { name = "s", image = "x", outputs = { "o" }, command = { "sh", "-c",
      "[ " .. p.word .. " != fail ] && echo " .. p.word .. " > " .. ctp.output_path "o" } }
    return ctp.pipeline { name = "p", params = p, steps = { s } })";
  const std::filesystem::path workdir = dir.path() / "work";
  Ran first = RunIn(Script(source, {"word=one"}), workdir);
  REQUIRE(first.result.status == RunStatus::kSucceeded);
  // As a runner killed after publishing 's' but before committing it leaves the task, with a
  // file a process left running wrote into the staging folder meanwhile.
  const std::filesystem::path task = workdir / "runs" / first.result.run_id / "s";
  REQUIRE(FileText(task / "outputs/o") == "one\n");
  RunStore(workdir / "ctp.db")
      .SaveStep({first.result.run_id, "s", RunStatus::kInterrupted, 1, 0, 0, false, {}, "", ""});
  std::filesystem::create_directories(task / "outputs.partial");
  std::ofstream(task / "outputs.partial/o") << "stray\n";
  Ran resumed = RunIn(Script(source, {"word=fail"}), workdir,
                      [&](RunOptions& options) { options.resume = first.result.run_id; });
  CHECK(resumed.Step("s").status == RunStatus::kFailed);
  CHECK_FALSE(std::filesystem::exists(task / "outputs"));
  CHECK_FALSE(std::filesystem::exists(task / "outputs.partial/o"));
}

/// The lines of `text` that start with `word`.
int LinesStartingWith(const std::string& text, const std::string& word) {
  int count = 0;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind(word, 0) == 0) ++count;
  return count;
}

TEST_CASE("after a runner was killed with SIGKILL, the next run ends its step before running it") {
  ScratchDir dir;
  const std::filesystem::path workdir = dir.path() / "work";
  const std::filesystem::path trace = dir.path() / "trace";
  const std::string options =
      " -p dir=" + Quote(dir.path()) + " --plain --workdir " + Quote(workdir);
  BackgroundCtp runner({"run", "tests/runner/scripts/leftover.lua", "-p",
                        "dir=" + dir.path().string(), "--plain", "--workdir", workdir.string()},
                       dir.path() / "runner.out");
  REQUIRE(runner.pid() > 0);
  REQUIRE(WaitFor([&] { return !FileText(trace).empty(); }));
  INFO(FileText(dir.path() / "runner.out"));
  // (The runner records the group right after starting it; wait for that, not for the step.)
  REQUIRE(WaitFor([&] { return !RunStore(workdir / "ctp.db").StepProcesses().empty(); }));
  runner.Kill();
  const std::string old_pid = FileText(dir.path() / "old_pid");
  REQUIRE(!old_pid.empty());
  const int pgid = std::stoi(old_pid);
  // The step outlived its runner: it goes on writing.
  const std::size_t before = FileText(trace).size();
  REQUIRE(WaitFor([&] { return FileText(trace).size() > before; }));
  std::vector<std::string> ids;
  for (const auto& entry : std::filesystem::directory_iterator(workdir / "runs"))
    ids.push_back(entry.path().filename().string());
  REQUIRE(ids.size() == 1);
  const std::string id = ids[0];
  const std::string ended = "step 'work' of run " + id +
                            " was left running by a killed ctp (process group " +
                            std::to_string(pgid) + "): ended it with SIGTERM\n";

  std::string run_id;
  SUBCASE("--resume") {
    CommandResult resumed = RunCtp("run tests/runner/scripts/leftover.lua --resume " + id + options);
    INFO(resumed.out, resumed.err);
    CHECK(resumed.exit_code == 0);
    CHECK(resumed.out.rfind(ended + "run " + id + " of pipeline 'leftover'", 0) == 0);
    run_id = id;
  }
  SUBCASE("a new run") {
    CommandResult again = RunCtp("run tests/runner/scripts/leftover.lua" + options);
    INFO(again.out, again.err);
    CHECK(again.exit_code == 0);
    CHECK(again.out.rfind(ended + "run leftover-", 0) == 0);
    for (const auto& entry : std::filesystem::directory_iterator(workdir / "runs"))
      if (entry.path().filename() != id) run_id = entry.path().filename().string();
    CommandResult old = RunCtp("runs show " + id + " --workdir " + Quote(workdir));
    CHECK(old.out.find("): interrupted\n") != std::string::npos);
    CHECK(old.out.find("  work" + std::string(24, ' ') + " interrupted ") != std::string::npos);
    CHECK(old.out.find("  its ctp was killed; the next run ended process group " +
                       std::to_string(pgid) + " with SIGTERM\n") != std::string::npos);
  }
  const bool gone = runner::LiveGroupMembers(pgid).empty();
  CHECK(gone);
  if (!gone) ::kill(-pgid, SIGKILL);
  // Every line the old process wrote came before the first of the new one.
  const std::string written = FileText(trace);
  CHECK(LinesStartingWith(written, "new ") == 3);
  CHECK(written.rfind("old ") < written.find("new "));
  // What the run committed is the new process's alone.
  const std::string lines = FileText(workdir / "runs" / run_id / "work/outputs/lines");
  CHECK(LinesStartingWith(lines, "new ") == 3);
  CHECK(LinesStartingWith(lines, "old ") == 0);
  CommandResult show = RunCtp("runs show " + run_id + " --workdir " + Quote(workdir));
  CHECK(show.out.find("): succeeded\n") != std::string::npos);
  CHECK(show.out.find("  work" + std::string(24, ' ') + " succeeded ") != std::string::npos);
}

}  // namespace
}  // namespace ctp::testing
