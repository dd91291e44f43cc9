// `ctp run` and `ctp runs` as users call them: the example script, the run history, exact
// messages for bad input, and resuming after the runner was killed with SIGKILL.
#include <doctest/doctest.h>
#include <signal.h>

#include <fstream>

#include "background_ctp.h"
#include "run_ctp.h"
#include "runner_support.h"

namespace ctp::testing {
namespace {

std::string Quote(const std::filesystem::path& path) { return "'" + path.string() + "'"; }

// The only run folder in a workdir.
std::string OnlyRunId(const std::filesystem::path& workdir) {
  std::vector<std::string> ids;
  for (const auto& entry : std::filesystem::directory_iterator(workdir / "runs"))
    ids.push_back(entry.path().filename().string());
  REQUIRE(ids.size() == 1);
  return ids[0];
}

TEST_CASE("ctp run scripts/hello.lua succeeds and ctp runs shows it") {
  ScratchDir dir;
  const std::string workdir = "--workdir " + Quote(dir.path());
  CommandResult run = RunCtp("run scripts/hello.lua -p who=tester --plain " + workdir);
  INFO(run.out, run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(run.out.find("greet succeeded") != std::string::npos);
  CHECK(run.out.find("notify succeeded") != std::string::npos);
  const std::string id = OnlyRunId(dir.path());
  CHECK(FileText(dir.path() / "runs" / id / "echo/outputs/message") == "counted 3 lines");
  CHECK(FileText(dir.path() / "runs" / id / "notify/log.txt") ==
        "no webhook configured: pipeline hello finished: Succeeded\n");

  CommandResult list = RunCtp("runs " + workdir);
  CHECK(list.exit_code == 0);
  CHECK(list.out.find(id + " ") != std::string::npos);
  CHECK(list.out.find("succeeded") != std::string::npos);

  CommandResult show = RunCtp("runs show " + id + " " + workdir);
  CHECK(show.exit_code == 0);
  CHECK(show.out.find("  who = tester\n") != std::string::npos);
  CHECK(show.out.find("lines") != std::string::npos);  // the KFP metrics of 'count'

  CommandResult again = RunCtp("run scripts/hello.lua -p who=other --plain " + workdir);
  REQUIRE(again.exit_code == 0);
  CommandResult runs = RunCtp("runs " + workdir);
  std::string second;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path() / "runs"))
    if (entry.path().filename() != id) second = entry.path().filename().string();
  CommandResult compare = RunCtp("runs compare " + id + " " + second + " " + workdir);
  CHECK(compare.exit_code == 0);
  CHECK(compare.out.find("param who") != std::string::npos);
  CHECK(compare.out.find("tester") != std::string::npos);
  CHECK(compare.out.find("other") != std::string::npos);
  CHECK(compare.out.find("metric count/lines") != std::string::npos);
}

TEST_CASE("a looping step's condition is decided per item, as Argo and KFP decide it") {
  ScratchDir dir;
  CommandResult run =
      RunCtp("run tests/runner/scripts/item_condition.lua --plain --workdir " + Quote(dir.path()));
  INFO(run.out, run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(run.out.find("each[0]") == std::string::npos);  // 1 >= 5 does not hold
  CHECK(run.out.find("each[1] succeeded") != std::string::npos);
  CHECK(run.out.find("each[2] succeeded") != std::string::npos);
  CHECK(run.out.find("none skipped: its condition is false for every item") != std::string::npos);
  const std::string id = OnlyRunId(dir.path());
  CHECK(FileText(dir.path() / "runs" / id / "after/outputs/seen") == "[5,10]");
}

TEST_CASE("scripts/cnn_pipeline.lua runs its stages on a local volume; --from reuses the rest") {
  ScratchDir dir;
  const std::string workdir = " --plain --workdir " + Quote(dir.path());
  const std::string small = " -p workspace=exp -p epochs=1 -p limit=300 -p model=small_cnn";
  CommandResult first = RunCtp("run scripts/cnn_pipeline.lua" + small + workdir);
  INFO(first.out, first.err);
  REQUIRE(first.exit_code == 0);
  // The native train step ran with /workspace mapped to the volume's local folder.
  const std::string id = OnlyRunId(dir.path());
  const std::string checkpoint = FileText(dir.path() / "runs" / id / "train/outputs/checkpoint");
  CHECK(checkpoint.rfind(
            (std::filesystem::absolute(dir.path()) / "volumes/workspace/exp/model/").string(), 0) ==
        0);
  CommandResult from =
      RunCtp("run scripts/cnn_pipeline.lua" + small + " --from validate" + workdir);
  CHECK(from.exit_code == 0);
  CHECK(from.out.find("train reused: outputs of run " + id + "\n") != std::string::npos);
  CHECK(from.out.find("validate succeeded") != std::string::npos);
}

TEST_CASE("a sub-pipeline exit handler runs its steps, named as on the cluster, after the run") {
  ScratchDir dir;
  CommandResult r = RunCtp("run tests/runner/scripts/exit_sub_pipeline.lua --plain --workdir " +
                           Quote(dir.path()));
  INFO(r.out, r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("report.send succeeded") != std::string::npos);
  CHECK(FileText(dir.path() / "runs" / OnlyRunId(dir.path()) / "report/send/log.txt") ==
        "Succeeded\n");
  CommandResult show = RunCtp("runs show " + OnlyRunId(dir.path()) + " --workdir " +
                              Quote(dir.path()));
  CHECK(show.out.find("report.send") != std::string::npos);
}

TEST_CASE("ctp run refuses bad input with a clear message and writes nothing") {
  ScratchDir dir;
  const std::string workdir = " --workdir " + Quote(dir.path() / "work");
  SUBCASE("unknown --only step") {
    CommandResult r = RunCtp("run scripts/hello.lua --only gret" + workdir);
    CHECK(r.exit_code == 2);
    CHECK(r.err ==
          "ctp run: --only gret: pipeline 'hello' has no step 'gret' (did you mean 'greet'?)\n");
  }
  SUBCASE("unknown --from step") {
    CommandResult r = RunCtp("run scripts/hello.lua --from cout" + workdir);
    CHECK(r.exit_code == 2);
    CHECK(r.err ==
          "ctp run: --from cout: pipeline 'hello' has no step 'cout' (did you mean 'count'?)\n");
  }
  SUBCASE("bad -p") {
    CommandResult r = RunCtp("run scripts/hello.lua -p repeats=many" + workdir);
    CHECK(r.exit_code != 0);
    CHECK(r.err.find("repeats") != std::string::npos);
    CHECK(r.err.find("many") != std::string::npos);
  }
  SUBCASE("-p without =") {
    CommandResult r = RunCtp("run scripts/hello.lua -p who" + workdir);
    CHECK(r.exit_code == 2);
    CHECK(r.err.rfind("ctp run: ", 0) == 0);
  }
  SUBCASE("a container step without a command") {
    CommandResult r = RunCtp("run tests/runner/scripts/no_command.lua" + workdir);
    CHECK(r.exit_code == 1);
    CHECK(r.err ==
          "tests/runner/scripts/no_command.lua:2: error: container step 'bare' has no command: ctp "
          "run runs it on this machine and cannot use the image's entrypoint (set command)\n"
          "  local bare = ctp.container { name = \"bare\", image = \"alpine:3.19\" }\n");
  }
  SUBCASE("a program that is not installed") {
    CommandResult r = RunCtp("run tests/runner/scripts/missing_program.lua" + workdir);
    CHECK(r.exit_code == 1);
    CHECK(r.err.rfind("tests/runner/scripts/missing_program.lua:2: error: container step "
                      "'missing': command 'no-such-program-ctp' is not on PATH\n",
                      0) == 0);
  }
  SUBCASE("a missing volume folder") {
    CommandResult r =
        RunCtp("run tests/runner/scripts/volume.lua --volume nfs-data=/no/such/dir" + workdir);
    CHECK(r.exit_code == 2);
    CHECK(r.err == "ctp run: --volume nfs-data=/no/such/dir: no such folder\n");
  }
  SUBCASE("an unknown volume") {
    CommandResult r = RunCtp("run tests/runner/scripts/volume.lua --volume nfs-dta=/tmp" + workdir);
    CHECK(r.exit_code == 2);
    CHECK(r.err ==
          "ctp run: --volume nfs-dta=/tmp: pipeline 'volume' has no volume or claim "
          "'nfs-dta' (did you mean 'nfs-data'?)\n");
  }
  SUBCASE("--volume without =") {
    CommandResult r = RunCtp("run tests/runner/scripts/volume.lua --volume nfs-data" + workdir);
    CHECK(r.exit_code == 2);
    CHECK(r.err == "ctp run: --volume expects CLAIM=PATH, got 'nfs-data'\n");
  }
  SUBCASE("an unknown --runtime") {
    CommandResult r = RunCtp("run scripts/hello.lua --runtime rkt" + workdir);
    CHECK(r.exit_code == 2);
    CHECK(r.err == "ctp run: --runtime rkt: unknown container runtime (use docker or podman)\n");
  }
  SUBCASE("a malformed secrets file: line and key named, no value shown, --dry-run too") {
    const std::filesystem::path secrets = dir.path() / "secrets.yaml";
    std::ofstream(secrets) << "slack:\n  webhook: https://hooks.example/S3CRET-1\n"
                              "  token: {nested: S3CRET-2}\n";
    for (const std::string extra : {"", " --dry-run"}) {
      CommandResult r =
          RunCtp("run scripts/hello.lua --secrets " + Quote(secrets) + extra + workdir);
      CHECK(r.exit_code == 1);
      CHECK(r.err == secrets.string() + ":3: error: 'slack.token' must be a single value\n");
      CHECK(r.out.find("S3CRET") == std::string::npos);
    }
    std::ofstream(secrets) << "slack:\n  webhook: S3CRET-4\n  {S3CRET-5: x}: y\n";
    CommandResult key = RunCtp("run scripts/hello.lua --secrets " + Quote(secrets) + workdir);
    CHECK(key.exit_code == 1);
    CHECK(key.err == secrets.string() + ":3: error: a key must be a name, not a list or a map\n");
    std::ofstream(secrets) << "slack: {webhook: S3CRET-3\n";
    CommandResult r = RunCtp("run scripts/hello.lua --secrets " + Quote(secrets) + workdir);
    CHECK(r.exit_code == 1);
    CHECK(r.err.rfind(secrets.string() + ":", 0) == 0);
    CHECK(r.err.find("S3CRET") == std::string::npos);
  }
  SUBCASE("a secret value with a NUL byte or bytes that are not UTF-8: refused, never shown") {
    const std::filesystem::path secrets = dir.path() / "secrets.yaml";
    std::ofstream(secrets) << "slack:\n  webhook: \"S3CRET\\0; rm -rf /\"\n";
    CommandResult nul = RunCtp("run scripts/hello.lua --secrets " + Quote(secrets) + workdir);
    CHECK(nul.exit_code == 1);
    CHECK(nul.err ==
          secrets.string() + ":2: error: 'slack.webhook': the value contains a NUL byte\n");
    std::ofstream(secrets) << "slack:\n  token: x\n  webhook: S3CRET-caf\xe9\n";
    CommandResult latin1 =
        RunCtp("run scripts/hello.lua --dry-run --secrets " + Quote(secrets) + workdir);
    CHECK(latin1.exit_code == 1);
    CHECK(latin1.err ==
          secrets.string() + ":3: error: the secrets file is not valid UTF-8 (at byte 40)\n");
    CHECK(latin1.out.find("S3CRET") == std::string::npos);
  }
  SUBCASE("an unknown run for runs show") {
    CommandResult r = RunCtp("runs show nope" + workdir);
    CHECK(r.exit_code == 2);
    CHECK(r.err == "ctp runs: no runs in workdir '" + (dir.path() / "work").string() + "'\n");
  }
  CHECK_FALSE(std::filesystem::exists(dir.path() / "work/runs"));
}

TEST_CASE("--dry-run prints the plan and runs nothing") {
  ScratchDir dir;
  CommandResult r = RunCtp("run scripts/hello.lua --dry-run --workdir " + Quote(dir.path() / "w"));
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("plan of pipeline 'hello' (4 steps):\n  greet (container)\n") == 0);
  CHECK(r.out.find("    env WEBHOOK_URL=<vault slack-webhook>\n") != std::string::npos);
  // The exit handler's webhook has no value here: a warning on standard error; the plan goes on.
  CHECK(r.err ==
        "scripts/hello.lua:46: warning: step 'notify' would run without WEBHOOK_URL: Vault key "
        "'slack-webhook' at 'secret/data/ctp/hello' has no value (add \"vault: "
        "{secret/data/ctp/hello: {slack-webhook: ...}}\" to the --secrets file, or set "
        "CTP_VAULT_SLACK_WEBHOOK)\n"
        "    on_exit = notify { pipeline = \"hello\", webhook = ctp.vault { key = "
        "\"slack-webhook\" } },\n");
  CHECK_FALSE(std::filesystem::exists(dir.path() / "w"));
}

TEST_CASE("a run killed with SIGKILL resumes without redoing finished steps") {
  ScratchDir dir;
  const std::filesystem::path workdir = dir.path() / "work";
  BackgroundCtp runner({"run", "tests/runner/scripts/interrupted.lua", "-p",
                        "dir=" + dir.path().string(), "--plain", "--workdir", workdir.string()},
                       dir.path() / "runner.out");
  REQUIRE(runner.pid() > 0);
  // Wait until 'second' runs (it hangs the first time), then kill the runner outright.
  // ('once' is created right before the hang: waiting for the pid alone could kill it earlier.)
  WaitFor([&] { return std::filesystem::exists(dir.path() / "once"); });
  runner.Kill();
  const std::string hung = FileText(dir.path() / "second_pid");
  INFO(FileText(dir.path() / "runner.out"));
  REQUIRE(!hung.empty());
  ::kill(-std::stoi(hung), SIGKILL);  // the orphaned step's process group

  const std::string id = OnlyRunId(workdir);
  const std::string options =
      "-p dir=" + Quote(dir.path()) + " --plain --workdir " + Quote(workdir);
  CommandResult list = RunCtp("runs --workdir " + Quote(workdir));
  CHECK(list.out.find("running") != std::string::npos);  // as the killed runner left it

  CommandResult resumed =
      RunCtp("run tests/runner/scripts/interrupted.lua --resume " + id + " " + options);
  INFO(resumed.out, resumed.err);
  CHECK(resumed.exit_code == 0);
  CHECK(resumed.out.find("first kept: succeeded in the resumed run") != std::string::npos);
  CHECK(FileText(dir.path() / "first_runs") == "run\n");
  CHECK(FileText(workdir / "runs" / id / "second/outputs/m") == "1\n");
  CHECK_FALSE(std::filesystem::exists(workdir / "runs" / id / "second/outputs.partial"));
  CommandResult show = RunCtp("runs show " + id + " --workdir " + Quote(workdir));
  CHECK(show.out.find("): succeeded\n") != std::string::npos);
}

}  // namespace
}  // namespace ctp::testing
