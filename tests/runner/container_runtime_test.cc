// --runtime docker|podman, against a fake runtime first on PATH (tests/runner/scripts/
// fake_runtime.sh) that records its arguments and runs the command: the exact argv, secrets
// never on a command line or in a log, the runtime checked once, timeouts killing the container.
#include "container_runtime.h"

#include <doctest/doctest.h>
#include <stdlib.h>

#include "runner_support.h"
#include "test_paths.h"

namespace ctp::testing {
namespace {

namespace fs = std::filesystem;

/// Puts the fake runtime on PATH as `docker` and `podman` for the object's life.
class FakeRuntime {
 public:
  explicit FakeRuntime(const ScratchDir& dir) : log_(dir.path() / "runtime.log") {
    const fs::path bin = dir.path() / "bin";
    fs::create_directories(bin);
    const fs::path script = SourcePath("tests/runner/scripts/fake_runtime.sh");
    for (const char* name : {"docker", "podman"}) fs::create_symlink(script, bin / name);
    old_path_ = std::getenv("PATH");
    ::setenv("PATH", (bin.string() + ":" + old_path_).c_str(), 1);
    ::setenv("CTP_FAKE_RUNTIME_LOG", log_.c_str(), 1);
  }
  ~FakeRuntime() {
    ::setenv("PATH", old_path_.c_str(), 1);
    ::unsetenv("CTP_FAKE_RUNTIME_LOG");
    ::unsetenv("CTP_FAKE_RUNTIME_INFO_EXIT");
  }
  /// What the runtime was asked, with `run_id` and `root` replaced by RUN and ROOT.
  std::string Log(const std::string& run_id, const fs::path& root) const {
    std::string text = FileText(log_);
    for (const auto& [from, to] :
         {std::pair{run_id, std::string("RUN")},
          std::pair{fs::absolute(root).lexically_normal().string(), std::string("ROOT")}})
      for (std::size_t at; !from.empty() && (at = text.find(from)) != std::string::npos;)
        text.replace(at, from.size(), to);
    return text;
  }

 private:
  fs::path log_;
  std::string old_path_;
};

const char* kTrain = R"(
local ctp = require "ctp"
local data = ctp.volume { name = "data", claim = "nfs-data" }
local train = ctp.container { name = "train", image = "trainer:1", mounts = { data:mount("/data") },
  working_dir = "/data", resources = { gpu = 2 }, command = { "sh", "-c" },
  args = { 'echo "$TOKEN" > token; echo "$MODE" > ' .. ctp.output_path "mode" },
  env = { MODE = "fast", TOKEN = ctp.secret { name = "hub", key = "token" } }, outputs = { "mode" } }
local report = ctp.lua { name = "report", inputs = { mode = train.outputs.mode }, outputs = { "m" },
  fn = function(inputs) return { m = inputs.mode } end }
return ctp.pipeline { name = "boxed", steps = { train, report } }
)";

TEST_CASE("--runtime runs container steps in their image with mounts, -e names and GPUs") {
  for (const std::string runtime : {"docker", "podman"}) {
    CAPTURE(runtime);
    ScratchDir dir;
    FakeRuntime fake(dir);
    {
      std::ofstream secrets(dir / "secrets.yaml");
      secrets << "hub:\n  token: s3cret-token\n";
    }
    Ran ran = RunIn(Script(kTrain), dir.path(), [&](RunOptions& o) {
      o.runtime = runtime;
      o.secrets_file = dir / "secrets.yaml";
      o.verbose = true;
    });
    REQUIRE(ran.result.status == RunStatus::kSucceeded);
    CHECK(ran.Step("report").outputs.at("m") == "fast");
    // The value reached the command through the environment, and nowhere else.
    CHECK(FileText(dir.path() / "volumes/nfs-data/token") == "s3cret-token\n");
    const std::string log = fake.Log(ran.result.run_id, dir.path());
    CHECK(log.find("s3cret") == std::string::npos);
    CHECK(ran.out.find("s3cret") == std::string::npos);
    const std::string gpu =
        runtime == "docker" ? "[--gpus] [2]" : "[--device] [nvidia.com/gpu=all]";
    CHECK(log == runtime + " [info]\n" + runtime +
                     " [run] [--rm] [-i] [--name] [ctp-RUN-train] [-v] [ROOT/runs:ROOT/runs] [-v] "
                     "[ROOT/volumes/nfs-data:ROOT/volumes/nfs-data] [-e] [MODE] [-e] [TOKEN] [-w] "
                     "[ROOT/volumes/nfs-data] " +
                     gpu +
                     " [trainer:1] [sh] [-c] [echo \"$TOKEN\" > token; echo \"$MODE\" > "
                     "ROOT/runs/RUN/train/outputs.partial/mode]\n");
  }
}

const char* kSlow = R"(
local ctp = require "ctp"
local slow = ctp.container { name = "slow", image = "x", timeout = 1, command = { "sleep", "30" } }
return ctp.pipeline { name = "slow", steps = { slow } }
)";

TEST_CASE("a container step past its timeout is killed with `<runtime> kill`") {
  ScratchDir dir;
  FakeRuntime fake(dir);
  Ran ran = RunIn(Script(kSlow), dir.path(), [](RunOptions& o) { o.runtime = "docker"; });
  CHECK(ran.result.status == RunStatus::kFailed);
  CHECK(ran.Step("slow").message == "timed out after 1s");
  const std::string log = fake.Log(ran.result.run_id, dir.path());
  CHECK(log.substr(log.find('\n') + 1) ==
        "docker [run] [--rm] [-i] [--name] [ctp-RUN-slow] [-v] [ROOT/runs:ROOT/runs] [x] [sleep] "
        "[30]\n"
        "docker [kill] [ctp-RUN-slow]\n");
  CHECK(FileText(dir.path() / "runs" / ran.result.run_id / "slow/log.txt") ==
        "ctp: docker kill ctp-" + ran.result.run_id + "-slow\n");
}

TEST_CASE("--runtime is refused before anything is written when the runtime does not work") {
  ScratchDir dir;
  FakeRuntime fake(dir);
  const fs::path work = dir.path() / "work";
  CHECK_THROWS_WITH_AS(RunIn(Script(kSlow), work, [](RunOptions& o) { o.runtime = "rkt"; }),
                       "--runtime rkt: unknown container runtime (use docker or podman)",
                       std::invalid_argument);
  ::setenv("CTP_FAKE_RUNTIME_INFO_EXIT", "1", 1);
  CHECK_THROWS_WITH_AS(RunIn(Script(kSlow), work, [](RunOptions& o) { o.runtime = "podman"; }),
                       "--runtime podman: 'podman info' failed with exit code 1 (is podman "
                       "installed and its service running?)",
                       std::invalid_argument);
  CHECK_FALSE(fs::exists(work));
}

TEST_CASE("--dry-run with --runtime names each container step's image and runs nothing") {
  std::ostringstream plan;
  RunOptions options;
  options.dry_run = true;
  options.runtime = "podman";
  options.out = &plan;
  RunPipeline(Script(kSlow), options);
  CHECK(plan.str() ==
        "plan of pipeline 'slow' (1 step):\n"
        "  slow (container)\n"
        "    $ sleep 30\n"
        "    in image x (podman)\n");
  options.runtime = "rkt";
  CHECK_THROWS_WITH_AS(RunPipeline(Script(kSlow), options),
                       "--runtime rkt: unknown container runtime (use docker or podman)",
                       std::invalid_argument);
}

TEST_CASE("container names are the run and the task, with loop indexes made valid") {
  CHECK(runner::ContainerName("p-20261123-001500-ab12", "shard[2]") ==
        "ctp-p-20261123-001500-ab12-shard-2");
  CHECK(runner::ContainerName("p-1", "train") == "ctp-p-1-train");
}

}  // namespace
}  // namespace ctp::testing
