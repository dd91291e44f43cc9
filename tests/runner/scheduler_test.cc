// The scheduler: ordering, parallelism, data passing, conditions, loops, exit handler, retries,
// timeouts and failure propagation. Container steps go through the fake launcher
// (fake_launcher.h): the assertions are on the order of events and on counts, never on time.
#include <doctest/doctest.h>

#include <algorithm>
#include <tuple>

#include "fake_launcher.h"
#include "runner_support.h"

namespace ctp::testing {
namespace {

/// Runs `source` (with `-p` assignments) through `launcher`, without the cache.
Ran RunFaked(FakeLauncher& launcher, const std::string& source,
             const std::vector<std::string>& params = {}, int jobs = 0) {
  ScratchDir dir;
  return RunIn(Script(source, params), dir.path(), [&](RunOptions& o) {
    o.launcher = &launcher;
    o.use_cache = false;
    o.jobs = jobs;
  });
}

/// The position of `event` in the launcher's events; fails the test when it is not there.
std::size_t IndexOf(const std::vector<std::string>& events, const std::string& event) {
  const auto found = std::find(events.begin(), events.end(), event);
  REQUIRE_MESSAGE(found != events.end(), "no event '" << event << "'");
  return static_cast<std::size_t>(found - events.begin());
}

/// The command the launcher was given for `task`.
std::vector<std::string> ArgvOf(const FakeLauncher& launcher, const std::string& task) {
  for (const ProcessSpec& spec : launcher.Specs())
    if (spec.log_file.parent_path().filename() == task) return spec.argv;
  return {};
}

const char* kChain = R"(
local ctp = require "ctp"
local a = ctp.container { name = "a", image = "x", command = { "true" } }
local b = ctp.container { name = "b", image = "x", after = { a }, command = { "true" } }
local c = ctp.container { name = "c", image = "x", after = { b }, command = { "true" } }
return ctp.pipeline { name = "chain", steps = { c, b, a } }
)";

TEST_CASE("steps run after their dependencies") {
  FakeLauncher launcher;
  Ran ran = RunFaked(launcher, kChain);
  CHECK(ran.result.status == RunStatus::kSucceeded);
  CHECK(ran.result.ExitCode() == 0);
  CHECK(launcher.Events() ==
        std::vector<std::string>{"start a", "end a", "start b", "end b", "start c", "end c"});
  CHECK(ran.Step("b").attempts == 1);
}

// Each step waits until two steps run at once.
const char* kMeet = R"(
local ctp = require "ctp"
local steps = {}
for i = 1, 4 do steps[i] = ctp.container { name = "s" .. i, image = "x", command = { "meet", "2" } } end
return ctp.pipeline { name = "meet", steps = steps }
)";

TEST_CASE("independent steps run in parallel up to --jobs") {
  FakeLauncher launcher;
  Ran ran = RunFaked(launcher, kMeet, {}, 2);
  CHECK(ran.result.status == RunStatus::kSucceeded);
  CHECK(launcher.MaxRunning() == 2);
  CHECK(launcher.Events().size() == 8);
}

const char* kIndependent = R"(
local ctp = require "ctp"
local steps = {}
for i = 1, 4 do steps[i] = ctp.container { name = "s" .. i, image = "x", command = { "true" } } end
return ctp.pipeline { name = "independent", steps = steps }
)";

TEST_CASE("--jobs 1 runs one step at a time") {
  FakeLauncher launcher;
  Ran ran = RunFaked(launcher, kIndependent, {}, 1);
  CHECK(ran.result.status == RunStatus::kSucceeded);
  CHECK(launcher.MaxRunning() == 1);
  const std::vector<std::string> events = launcher.Events();
  REQUIRE(events.size() == 8);
  for (std::size_t i = 0; i < events.size(); i += 2)
    CHECK(events[i + 1] == "end " + events[i].substr(6));  // each ends before the next starts
}

const char* kDataPassing = R"(
local ctp = require "ctp"
local p = ctp.params { who = ctp.string { default = "world" } }
local greet = ctp.container { name = "greet", image = "x",
  command = { "write", ctp.output_path "greeting", "hello", p.who }, outputs = { greeting = "parameter" } }
local pack = ctp.container { name = "pack", image = "x",
  command = { "write", ctp.output_path "data" .. "/n", "42" }, outputs = { data = "artifact" } }
local shout = ctp.lua { name = "shout", inputs = { text = greet.outputs.greeting }, outputs = { "loud" },
  fn = function(inputs) return { loud = string.upper(inputs.text) } end }
local read = ctp.container { name = "read", image = "x",
  command = { "copy", pack.outputs.data .. "/n", ctp.output_path "n" }, outputs = { "n" } }
local echo = ctp.steps.echo { name = "echo", message = shout.outputs.loud .. " " .. read.outputs.n }
return ctp.pipeline { name = "data", params = p, steps = { greet, pack, shout, read, echo } }
)";

TEST_CASE("parameters and artifacts pass between container, Lua and native steps") {
  FakeLauncher launcher;
  ScratchDir dir;
  Ran ran = RunIn(Script(kDataPassing, {"who=you"}), dir.path(),
                  [&](RunOptions& o) { o.launcher = &launcher; });
  REQUIRE(ran.result.status == RunStatus::kSucceeded);
  CHECK(ran.Step("greet").outputs.at("greeting") == "hello you");
  CHECK(ran.Step("shout").outputs.at("loud") == "HELLO YOU");
  CHECK(ran.Step("read").outputs.at("n") == "42");
  CHECK(ran.Step("echo").outputs.at("message") == "HELLO YOU 42");
  const std::string artifact = ran.Step("pack").outputs.at("data");
  CHECK(artifact ==
        (std::filesystem::absolute(dir.path()) / "runs" / ran.result.run_id / "pack/outputs/data")
            .lexically_normal()
            .string());
  CHECK(FileText(artifact + "/n") == "42\n");
  CHECK(FileText(dir.path() / "runs" / ran.result.run_id / "echo/log.txt") == "HELLO YOU 42\n");
  CHECK(IndexOf(launcher.Events(), "end pack") < IndexOf(launcher.Events(), "start read"));
}

const char* kConditions = R"(
local ctp = require "ctp"
local p = ctp.params { stage = ctp.string { default = "train" }, n = ctp.int { default = 5 } }
local yes = ctp.container { name = "yes", image = "x", command = { "true" },
  when = ctp.all { p.stage:eq("train"), p.n:gt(3) } }
local no = ctp.container { name = "no", image = "x", command = { "write", ctp.output_path "o", "x" },
  outputs = { "o" }, when = p.stage:is_in { "deploy", "serve" } }
local after_no = ctp.container { name = "after-no", image = "x", command = { "echo", no.outputs.o } }
local independent = ctp.container { name = "independent", image = "x", command = { "true" }, after = { no } }
return ctp.pipeline { name = "cond", params = p, steps = { yes, no, after_no, independent } }
)";

TEST_CASE("a false condition skips the step and the steps that read its outputs") {
  FakeLauncher launcher;
  Ran ran = RunFaked(launcher, kConditions);
  CHECK(ran.result.status == RunStatus::kSucceeded);
  CHECK(ran.Step("yes").status == RunStatus::kSucceeded);
  CHECK(ran.Step("no").status == RunStatus::kSkipped);
  CHECK(ran.Step("no").message == "its condition is false");
  CHECK(ran.Step("after-no").status == RunStatus::kSkipped);
  CHECK(ran.Step("after-no").message == "it reads outputs of skipped step 'no'");
  CHECK(ran.Step("independent").status == RunStatus::kSucceeded);
  CHECK(launcher.Attempts("no") == 0);
  CHECK(launcher.Attempts("after-no") == 0);
}

const char* kLoop = R"(
local ctp = require "ctp"
local p = ctp.params { items = ctp.list { default = { 1, 2, 3 } } }
local copy = ctp.container { name = "copy", image = "x", for_each = { items = p.items, parallelism = 2 },
  command = { "write", ctp.output_path "same", ctp.item }, outputs = { "same" } }
local sum = ctp.lua { name = "sum", inputs = { values = copy.outputs.same }, outputs = { "total" },
  fn = function(inputs)
    local total = 0
    for n in string.gmatch(inputs.values, "%d+") do total = total + tonumber(n) end
    return { total = total }
  end }
local pairs_ = ctp.container { name = "fields", image = "x", for_each = { { k = "a" }, { k = "b" } },
  command = { "write", ctp.output_path "k", ctp.item.k }, outputs = { "k" } }
return ctp.pipeline { name = "loop", params = p, steps = { copy, sum, pairs_ } }
)";

TEST_CASE("loops fan out over items and their outputs fan in as a list") {
  FakeLauncher launcher;
  ScratchDir dir;
  Ran ran = RunIn(Script(kLoop), dir.path(), [&](RunOptions& o) {
    o.launcher = &launcher;
    o.jobs = 4;
  });
  REQUIRE(ran.result.status == RunStatus::kSucceeded);
  CHECK(ran.Step("copy[0]").outputs.at("same") == "1");
  CHECK(ran.Step("copy[2]").outputs.at("same") == "3");
  CHECK(ran.Step("copy").outputs.at("same") == "[1,2,3]");
  CHECK(ran.Step("sum").outputs.at("total") == "6");
  CHECK(ran.Step("fields").outputs.at("k") == R"(["a","b"])");
  CHECK(std::filesystem::exists(dir.path() / "runs" / ran.result.run_id / "copy/1/outputs/same"));
  for (const char* task : {"copy[0]", "copy[1]", "copy[2]"}) CHECK(launcher.Attempts(task) == 1);
}

const char* kExitHandler = R"(
local ctp = require "ctp"
local p = ctp.params { code = ctp.int { default = 0 } }
local work = ctp.container { name = "work", image = "x", command = { "fail", p.code } }
local after = ctp.container { name = "after", image = "x", after = { work }, command = { "true" } }
local other = ctp.container { name = "other", image = "x", command = { "true" } }
return ctp.pipeline { name = "exit", params = p, steps = { work, after, other },
  on_exit = ctp.container { name = "notify", image = "x", command = { "echo", ctp.workflow.status } } }
)";

TEST_CASE("the exit handler runs last and sees the status; a failure omits dependents only") {
  FakeLauncher launcher;
  SUBCASE("success") {
    Ran ran = RunFaked(launcher, kExitHandler);
    CHECK(ran.result.status == RunStatus::kSucceeded);
    CHECK(ArgvOf(launcher, "notify") == std::vector<std::string>{"echo", "Succeeded"});
  }
  SUBCASE("failure") {
    Ran ran = RunFaked(launcher, kExitHandler, {"code=3"});
    CHECK(ran.result.status == RunStatus::kFailed);
    CHECK(ran.result.ExitCode() == 1);
    CHECK(ran.Step("work").status == RunStatus::kFailed);
    CHECK(ran.Step("work").exit_code == 3);
    CHECK(ran.Step("work").message == "exited with code 3");
    CHECK(ran.Step("after").status == RunStatus::kOmitted);
    CHECK(ran.Step("after").message == "upstream step 'work' did not succeed");
    CHECK(launcher.Attempts("after") == 0);
    CHECK(ran.Step("other").status == RunStatus::kSucceeded);
    CHECK(ran.Step("notify").status == RunStatus::kSucceeded);
    CHECK(ArgvOf(launcher, "notify") == std::vector<std::string>{"echo", "Failed"});
  }
  const std::vector<std::string> events = launcher.Events();
  REQUIRE_FALSE(events.empty());
  CHECK(events.back() == "end notify");
  CHECK(IndexOf(events, "end work") < IndexOf(events, "start notify"));
  CHECK(IndexOf(events, "end other") < IndexOf(events, "start notify"));
}

const char* kRetry = R"(
local ctp = require "ctp"
local p = ctp.params { limit = ctp.int { default = 2 } }
local flaky = ctp.container { name = "flaky", image = "x", retry = { limit = ctp.value(p.limit) },
  command = { "flaky", "3" } }
return ctp.pipeline { name = "retry", params = p, steps = { flaky } }
)";

TEST_CASE("a failed step is retried up to its limit") {
  FakeLauncher launcher;
  SUBCASE("succeeds on the third attempt") {
    Ran ran = RunFaked(launcher, kRetry);
    CHECK(ran.result.status == RunStatus::kSucceeded);
    CHECK(ran.Step("flaky").attempts == 3);
    CHECK(launcher.Attempts("flaky") == 3);
  }
  SUBCASE("fails when the limit is too low") {
    Ran ran = RunFaked(launcher, kRetry, {"limit=1"});
    CHECK(ran.result.status == RunStatus::kFailed);
    CHECK(ran.Step("flaky").attempts == 2);
    CHECK(launcher.Attempts("flaky") == 2);
  }
}

// Step `a` fails (`fail`) or cannot start (`cannot-start`), with retry { limit = 2 } and the
// policy given (none when empty).
std::string RetryPolicyScript(const std::string& command, const std::string& policy) {
  return "local ctp = require 'ctp'\n"
         "local a = ctp.container { name = 'a', image = 'x', command = { '" +
         command + "' }, retry = { limit = 2" +
         (policy.empty() ? std::string() : ", policy = '" + policy + "'") +
         " } }\n"
         "return ctp.pipeline { name = 'policy', steps = { a } }\n";
}

TEST_CASE("the retry policy decides what is retried, as in Argo; no policy is Argo's OnFailure") {
  // A step that ran and failed is Argo's Failed; one that could not start is its Error.
  const std::vector<std::tuple<std::string, std::string, int>> cases = {
      {"fail", "", 3},
      {"cannot-start", "", 1},
      {"fail", "OnFailure", 3},
      {"cannot-start", "OnFailure", 1},
      {"fail", "OnError", 1},
      {"cannot-start", "OnError", 3},
      {"fail", "Always", 3},
      {"cannot-start", "Always", 3},
      {"fail", "OnTransientError", 1},
      {"cannot-start", "OnTransientError", 1},
  };
  for (const auto& entry : cases) {
    // Not structured bindings: CAPTURE's lambda cannot name one (Clang 14).
    const std::string& command = std::get<0>(entry);
    const std::string& policy = std::get<1>(entry);
    const int attempts = std::get<2>(entry);
    CAPTURE(command);
    CAPTURE(policy);
    FakeLauncher launcher;
    Ran ran = RunFaked(launcher, RetryPolicyScript(command, policy));
    CHECK(ran.result.status == RunStatus::kFailed);
    CHECK(launcher.Attempts("a") == attempts);
    CHECK(ran.Step("a").attempts == attempts);
  }
}

TEST_CASE("max_duration stops retrying when the next attempt would start after it") {
  // Delays 0.2 s, then 0.4 s: with max_duration 0.5 s the second retry would start past it.
  const char* script = R"(
local ctp = require "ctp"
local a = ctp.container { name = "a", image = "x", command = { "fail" },
                          retry = { limit = 5, backoff = "200ms", max_duration = "500ms" } }
return ctp.pipeline { name = "limited", steps = { a } }
)";
  FakeLauncher launcher;
  Ran ran = RunFaked(launcher, script);
  CHECK(ran.result.status == RunStatus::kFailed);
  CHECK(launcher.Attempts("a") == 2);
  CHECK(ran.Step("a").message.find("(no retry: the next would start after max_duration 0.5s from "
                                   "the first attempt)") != std::string::npos);
}

const char* kTimeout = R"(
local ctp = require "ctp"
local slow = ctp.container { name = "slow", image = "x", timeout = 2, command = { "time-out" } }
local next = ctp.container { name = "next", image = "x", after = { slow }, command = { "true" } }
return ctp.pipeline { name = "timeout", steps = { slow, next } }
)";

TEST_CASE("a step past its timeout fails with the timeout and omits its dependents") {
  FakeLauncher launcher;
  Ran ran = RunFaked(launcher, kTimeout);
  CHECK(ran.result.status == RunStatus::kFailed);
  CHECK(ran.Step("slow").message == "timed out after 2s");
  CHECK(ran.Step("next").status == RunStatus::kOmitted);
  REQUIRE(launcher.Specs().size() == 1);
  CHECK(launcher.Specs()[0].timeout == std::chrono::milliseconds(2000));
}

const char* kPipelineTimeout = R"(
local ctp = require "ctp"
local slow = ctp.container { name = "slow", image = "x", command = { "hang" } }
local next = ctp.container { name = "next", image = "x", after = { slow }, command = { "true" } }
return ctp.pipeline { name = "deadline", steps = { slow, next }, timeout = 1,
  on_exit = ctp.container { name = "cleanup", image = "x", command = { "true" } } }
)";

TEST_CASE("the pipeline's timeout stops running steps, omits the rest and runs the exit handler") {
  FakeLauncher launcher;
  Ran ran = RunFaked(launcher, kPipelineTimeout);
  CHECK(ran.result.status == RunStatus::kFailed);
  CHECK(ran.Step("slow").status == RunStatus::kFailed);
  CHECK(ran.Step("slow").message == "stopped");
  CHECK(ran.Step("next").status == RunStatus::kOmitted);
  CHECK(ran.Step("next").message == "the pipeline timed out");
  CHECK(ran.Step("cleanup").status == RunStatus::kSucceeded);
  CHECK(launcher.Events() ==
        std::vector<std::string>{"start slow", "end slow", "start cleanup", "end cleanup"});
}

}  // namespace
}  // namespace ctp::testing
