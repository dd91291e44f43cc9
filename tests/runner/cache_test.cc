// Caching by fingerprint, the workdir lock, secrets, volumes and the fake process launcher.
#include <doctest/doctest.h>

#include <cstdlib>

#include "ctp/runner/process_launcher.h"
#include "ctp/runner/workspace.h"
#include "fake_launcher.h"
#include "runner_support.h"

namespace ctp::testing {
namespace {

const char* kCached = R"(
local ctp = require "ctp"
local p = ctp.params { dir = ctp.string {}, n = ctp.int { default = 1 } }
local make = ctp.container { name = "make", image = "x", command = { "sh", "-c",
  "echo run >> " .. p.dir .. "/make_runs; echo " .. p.n .. " > " .. ctp.output_path "n" }, outputs = { "n" } }
local use = ctp.container { name = "use", image = "x", command = { "sh", "-c",
  "echo run >> " .. p.dir .. "/use_runs; echo " .. make.outputs.n .. " > " .. ctp.output_path "m" }, outputs = { "m" } }
local always = ctp.container { name = "always", image = "x", cache = false, command = { "true" } }
local report = ctp.container { name = "report", image = "x", command = { "sh", "-c",
  "echo run >> " .. p.dir .. "/report_runs" } }
return ctp.pipeline { name = "cached", params = p, steps = { make, use, always }, on_exit = report }
)";

TEST_CASE("an unchanged step is a cache hit; a changed input, --no-cache or cache = false is not") {
  ScratchDir dir;
  const std::string d = "dir=" + dir.path().string();
  const auto work = dir.path() / "work";
  Ran first = RunIn(Script(kCached, {d}), work);
  REQUIRE(first.result.status == RunStatus::kSucceeded);
  CHECK_FALSE(first.Step("make").cache_hit);

  Ran second = RunIn(Script(kCached, {d}), work);
  REQUIRE(second.result.status == RunStatus::kSucceeded);
  CHECK(second.Step("make").cache_hit);
  CHECK(second.Step("use").cache_hit);
  CHECK_FALSE(second.Step("always").cache_hit);
  CHECK_FALSE(second.Step("report").cache_hit);  // the exit handler reports on every run
  CHECK(FileText(dir.path() / "report_runs") == "run\nrun\n");
  CHECK(second.Step("use").outputs.at("m") == "1");
  CHECK(FileText(dir.path() / "make_runs") == "run\n");
  // The hit's outputs are a copy in the new run's folder.
  CHECK(FileText(work / "runs" / second.result.run_id / "make/outputs/n") == "1\n");

  Ran changed = RunIn(Script(kCached, {d, "n=2"}), work);
  CHECK_FALSE(changed.Step("make").cache_hit);
  CHECK_FALSE(changed.Step("use").cache_hit);
  CHECK(changed.Step("use").outputs.at("m") == "2");

  Ran bypass = RunIn(Script(kCached, {d}), work, [](RunOptions& o) { o.use_cache = false; });
  CHECK_FALSE(bypass.Step("make").cache_hit);
  CHECK(FileText(dir.path() / "make_runs") == "run\nrun\nrun\n");
}

TEST_CASE("a second runner on the same workdir is refused while the first holds it") {
  ScratchDir dir;
  WorkdirLock held(dir.path());
  CHECK_THROWS_WITH_AS(
      RunIn(Script(kCached, {"dir=" + dir.path().string()}), dir.path()),
      ("workdir '" + dir.path().string() + "' is in use by another ctp run (pid " +
       std::to_string(::getpid()) + "); wait for it to finish or use another --workdir")
          .c_str(),
      std::runtime_error);
}

const char* kSecrets = R"(
local ctp = require "ctp"
local check = ctp.container { name = "check", image = "x",
  command = { "sh", "-c", '[ "$TOKEN" = "s3cret-token" ] && [ "$HOOK" = "https://hook" ] && echo ok > ' .. ctp.output_path "ok" },
  env = { TOKEN = ctp.secret { name = "hub", key = "token" }, HOOK = ctp.vault { key = "slack-webhook" } },
  outputs = { "ok" } }
return ctp.pipeline { name = "secrets", steps = { check }, vault_path = "secret/data/ctp" }
)";

TEST_CASE("secrets come from the secrets file and are never printed or recorded") {
  ScratchDir dir;
  {
    std::ofstream file(dir / "secrets.yaml");
    file << "hub:\n  token: s3cret-token\nvault:\n  secret/data/ctp:\n    slack-webhook: "
            "https://hook\n";
  }
  std::ostringstream warnings;
  Ran ran = RunIn(Script(kSecrets), dir.path() / "work", [&](RunOptions& o) {
    o.secrets_file = dir / "secrets.yaml";
    o.verbose = true;
    o.warnings = &warnings;
  });
  CHECK(ran.result.status == RunStatus::kSucceeded);
  CHECK(warnings.str().empty());
  CHECK(ran.Step("check").outputs.at("ok") == "ok");
  CHECK(ran.out.find("s3cret") == std::string::npos);
  std::string database =
      FileText(dir.path() / "work/ctp.db") + FileText(dir.path() / "work/ctp.db-wal");
  CHECK(database.find("s3cret") == std::string::npos);

  std::ostringstream plan;
  RunOptions options;
  options.dry_run = true;
  options.out = &plan;
  RunPipeline(Script(kSecrets), options);
  CHECK(plan.str() ==
        "plan of pipeline 'secrets' (1 step):\n"
        "  check (container)\n"
        "    $ sh -c [ \"$TOKEN\" = \"s3cret-token\" ] && [ \"$HOOK\" = \"https://hook\" ] && echo "
        "ok > "
        "{{outputs/ok}}\n"
        "    env HOOK=<vault slack-webhook>\n"
        "    env TOKEN=<secret hub/token>\n");
}

TEST_CASE("a secret without a value is a warning before anything runs, --dry-run too") {
  const std::string hook =
      "test.lua:3: warning: step 'check' would run without HOOK: Vault key 'slack-webhook' at "
      "'secret/data/ctp' has no value (add \"vault: {secret/data/ctp: {slack-webhook: ...}}\" to "
      "the --secrets file, or set CTP_VAULT_SLACK_WEBHOOK)\n";
  const std::string token =
      "test.lua:3: warning: step 'check' would run without TOKEN: secret 'hub' key 'token' has no "
      "value (add \"hub: {token: ...}\" to the --secrets file, or set CTP_SECRET_HUB_TOKEN)\n";
  ScratchDir dir;
  std::ostringstream plan, warnings;
  RunOptions options;
  options.dry_run = true;
  options.out = &plan;
  options.warnings = &warnings;
  RunPipeline(Script(kSecrets), options);
  CHECK(warnings.str() == hook + token);
  CHECK(plan.str().rfind("plan of pipeline 'secrets'", 0) == 0);

  // The environment gives TOKEN a value (never shown); the run still goes ahead without HOOK.
  ::setenv("CTP_SECRET_HUB_TOKEN", "s3cret-token", 1);
  warnings.str("");
  Ran ran =
      RunIn(Script(kSecrets), dir.path() / "work", [&](RunOptions& o) { o.warnings = &warnings; });
  ::unsetenv("CTP_SECRET_HUB_TOKEN");
  CHECK(warnings.str() == hook);
  CHECK(ran.result.status == RunStatus::kFailed);  // the step checks HOOK
  CHECK(ran.out.find("s3cret") == std::string::npos);
}

const char* kVolume = R"(
local ctp = require "ctp"
local data = ctp.volume { name = "data", claim = "nfs-data" }
local write = ctp.container { name = "write", image = "x", mounts = { data:mount("/data") },
  command = { "sh", "-c", "echo hi > /data/file" } }
return ctp.pipeline { name = "volume", steps = { write } }
)";

TEST_CASE("volumes map their mount paths to local folders") {
  ScratchDir dir;
  SUBCASE("default folder in the workdir") {
    Ran ran = RunIn(Script(kVolume), dir.path());
    CHECK(ran.result.status == RunStatus::kSucceeded);
    CHECK(FileText(dir.path() / "volumes/nfs-data/file") == "hi\n");
  }
  SUBCASE("--volume") {
    std::filesystem::create_directories(dir.path() / "mine");
    Ran ran = RunIn(Script(kVolume), dir.path() / "work",
                    [&](RunOptions& o) { o.volumes["nfs-data"] = dir.path() / "mine"; });
    CHECK(ran.result.status == RunStatus::kSucceeded);
    CHECK(FileText(dir.path() / "mine/file") == "hi\n");
  }
}

const char* kFake = R"(
local ctp = require "ctp"
local p = ctp.params { word = ctp.string { default = "w" } }
local one = ctp.container { name = "one", image = "x", command = { "prog", "--x=" .. p.word },
  env = { A = "a-" .. p.word }, timeout = "2m" }
local two = ctp.container { name = "two", image = "x", after = { one }, command = { "fail", "2" } }
return ctp.pipeline { name = "fake", params = p, steps = { one, two } }
)";

TEST_CASE("container steps go through the process launcher with resolved values") {
  ScratchDir dir;
  FakeLauncher launcher;
  Ran ran = RunIn(Script(kFake), dir.path(), [&](RunOptions& o) {
    o.launcher = &launcher;
    o.use_cache = false;
  });
  CHECK(ran.result.status == RunStatus::kFailed);
  const std::vector<ProcessSpec> specs = launcher.Specs();
  REQUIRE(specs.size() == 2);
  CHECK(specs[0].argv == std::vector<std::string>{"prog", "--x=w"});
  CHECK(specs[0].env.at("A") == "a-w");
  CHECK(specs[0].timeout == std::chrono::milliseconds(120000));
  CHECK(specs[1].log_file.filename() == "log.txt");
  CHECK(ran.Step("two").message == "exited with code 2");
}

}  // namespace
}  // namespace ctp::testing

namespace ctp::testing {
namespace {

const char* kNoOutputs = R"(
local ctp = require "ctp"
local p = ctp.params { dir = ctp.string {} }
local touch = ctp.container { name = "touch", image = "x", command = { "sh", "-c", "echo run >> " .. p.dir .. "/runs" } }
return ctp.pipeline { name = "no-outputs", params = p, steps = { touch } }
)";

TEST_CASE("a container step without outputs has no outputs folder and is still cached and kept") {
  ScratchDir dir;
  const std::string d = "dir=" + dir.path().string();
  const auto work = dir.path() / "work";
  Ran first = RunIn(Script(kNoOutputs, {d}), work);
  REQUIRE(first.result.status == RunStatus::kSucceeded);
  const auto task = work / "runs" / first.result.run_id / "touch";
  CHECK(std::filesystem::exists(task / "log.txt"));
  CHECK_FALSE(std::filesystem::exists(task / "outputs"));
  CHECK_FALSE(std::filesystem::exists(task / "outputs.partial"));
  Ran second = RunIn(Script(kNoOutputs, {d}), work);
  CHECK(second.Step("touch").cache_hit);
  Ran resumed = RunIn(Script(kNoOutputs, {d}), work, [&](RunOptions& o) {
    o.resume = first.result.run_id;
    o.use_cache = false;
  });
  CHECK(resumed.out.find("touch kept: succeeded in the resumed run") != std::string::npos);
  CHECK(FileText(dir.path() / "runs") == "run\n");
}

}  // namespace
}  // namespace ctp::testing
