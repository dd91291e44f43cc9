// The scheduler: ordering, parallelism, data passing, conditions, loops, exit handler, retries,
// timeouts and failure propagation, on real processes.
#include <doctest/doctest.h>

#include "runner_support.h"

namespace ctp::testing {
namespace {

const char* kChain = R"(
local ctp = require "ctp"
local p = ctp.params { dir = ctp.string {} }
local a = ctp.container { name = "a", image = "x", command = { "sh", "-c", "echo a >> " .. p.dir .. "/order" } }
local b = ctp.container { name = "b", image = "x", after = { a }, command = { "sh", "-c", "echo b >> " .. p.dir .. "/order" } }
local c = ctp.container { name = "c", image = "x", after = { b }, command = { "sh", "-c", "echo c >> " .. p.dir .. "/order" } }
return ctp.pipeline { name = "chain", params = p, steps = { c, b, a } }
)";

TEST_CASE("steps run after their dependencies") {
  ScratchDir dir;
  Ran ran = RunIn(Script(kChain, {"dir=" + dir.path().string()}), dir.path() / "work");
  CHECK(ran.result.status == "succeeded");
  CHECK(ran.result.ExitCode() == 0);
  CHECK(FileText(dir.path() / "order") == "a\nb\nc\n");
  CHECK(ran.Step("b").attempts == 1);
  CHECK(std::filesystem::exists(dir.path() / "work/runs" / ran.result.run_id / "c/log.txt"));
}

// Each step waits for the other's marker: only a run that starts both at once succeeds.
const char* kRendezvous = R"(
local ctp = require "ctp"
local p = ctp.params { dir = ctp.string {} }
local function meet(me, other)
  return ctp.container { name = me, image = "x", timeout = 10, command = { "sh", "-c",
    "touch " .. p.dir .. "/" .. me .. "; i=0; while [ ! -e " .. p.dir .. "/" .. other .. " ]; do "
    .. "i=$((i+1)); [ $i -gt 500 ] && exit 1; sleep 0.01; done" } }
end
return ctp.pipeline { name = "meet", params = p, steps = { meet("left", "right"), meet("right", "left") } }
)";

TEST_CASE("independent steps run in parallel up to --jobs") {
  ScratchDir dir;
  Ran ran = RunIn(Script(kRendezvous, {"dir=" + dir.path().string()}), dir.path() / "work",
                  [](RunOptions& o) { o.jobs = 2; });
  CHECK(ran.result.status == "succeeded");
}

// With one job at a time, a step that finds another's lock folder fails.
const char* kExclusive = R"(
local ctp = require "ctp"
local p = ctp.params { dir = ctp.string {} }
local steps = {}
for i = 1, 4 do
  steps[i] = ctp.container { name = "s" .. i, image = "x", command = { "sh", "-c",
    "mkdir " .. p.dir .. "/busy || exit 1; sleep 0.05; rmdir " .. p.dir .. "/busy" } }
end
return ctp.pipeline { name = "exclusive", params = p, steps = steps }
)";

TEST_CASE("--jobs 1 runs one step at a time") {
  ScratchDir dir;
  Ran ran = RunIn(Script(kExclusive, {"dir=" + dir.path().string()}), dir.path() / "work",
                  [](RunOptions& o) { o.jobs = 1; });
  CHECK(ran.result.status == "succeeded");
}

const char* kDataPassing = R"(
local ctp = require "ctp"
local p = ctp.params { who = ctp.string { default = "world" } }
local greet = ctp.container { name = "greet", image = "x", command = { "sh", "-c" },
  args = { "printf 'hello " .. p.who .. "' > " .. ctp.output_path "greeting"
           .. " && mkdir -p " .. ctp.output_path "data" .. " && echo 42 > " .. ctp.output_path "data" .. "/n" },
  outputs = { greeting = "parameter", data = "artifact" } }
local shout = ctp.lua { name = "shout", inputs = { text = greet.outputs.greeting }, outputs = { "loud" },
  fn = function(inputs) return { loud = string.upper(inputs.text) } end }
local read = ctp.container { name = "read", image = "x", command = { "sh", "-c" },
  args = { "cat " .. greet.outputs.data .. "/n > " .. ctp.output_path "n" }, outputs = { "n" } }
local echo = ctp.steps.echo { name = "echo", message = shout.outputs.loud .. " " .. read.outputs.n }
return ctp.pipeline { name = "data", params = p, steps = { greet, shout, read, echo } }
)";

TEST_CASE("parameters and artifacts pass between container, Lua and native steps") {
  ScratchDir dir;
  Ran ran = RunIn(Script(kDataPassing, {"who=you"}), dir.path());
  REQUIRE(ran.result.status == "succeeded");
  CHECK(ran.Step("greet").outputs.at("greeting") == "hello you");
  CHECK(ran.Step("shout").outputs.at("loud") == "HELLO YOU");
  CHECK(ran.Step("read").outputs.at("n") == "42");
  CHECK(ran.Step("echo").outputs.at("message") == "HELLO YOU 42");
  const std::string artifact = ran.Step("greet").outputs.at("data");
  CHECK(artifact ==
        (std::filesystem::absolute(dir.path()) / "runs" / ran.result.run_id / "greet/outputs/data")
            .lexically_normal()
            .string());
  CHECK(FileText(artifact + "/n") == "42\n");
  CHECK(FileText(dir.path() / "runs" / ran.result.run_id / "echo/log.txt") == "HELLO YOU 42\n");
}

const char* kConditions = R"(
local ctp = require "ctp"
local p = ctp.params { stage = ctp.string { default = "train" }, n = ctp.int { default = 5 } }
local yes = ctp.container { name = "yes", image = "x", command = { "true" },
  when = ctp.all { p.stage:eq("train"), p.n:gt(3) } }
local no = ctp.container { name = "no", image = "x", command = { "sh", "-c", "echo x > " .. ctp.output_path "o" },
  outputs = { "o" }, when = p.stage:is_in { "deploy", "serve" } }
local after_no = ctp.container { name = "after-no", image = "x", command = { "echo", no.outputs.o } }
local independent = ctp.container { name = "independent", image = "x", command = { "true" }, after = { no } }
return ctp.pipeline { name = "cond", params = p, steps = { yes, no, after_no, independent } }
)";

TEST_CASE("a false condition skips the step and the steps that read its outputs") {
  ScratchDir dir;
  Ran ran = RunIn(Script(kConditions), dir.path());
  CHECK(ran.result.status == "succeeded");
  CHECK(ran.Step("yes").status == "succeeded");
  CHECK(ran.Step("no").status == "skipped");
  CHECK(ran.Step("no").message == "its condition is false");
  CHECK(ran.Step("after-no").status == "skipped");
  CHECK(ran.Step("after-no").message == "it reads outputs of skipped step 'no'");
  CHECK(ran.Step("independent").status == "succeeded");
}

const char* kLoop = R"(
local ctp = require "ctp"
local p = ctp.params { items = ctp.list { default = { 1, 2, 3 } } }
local double = ctp.container { name = "double", image = "x", for_each = { items = p.items, parallelism = 2 },
  command = { "sh", "-c", "echo $((" .. ctp.item .. " * 2)) > " .. ctp.output_path "twice" }, outputs = { "twice" } }
local sum = ctp.lua { name = "sum", inputs = { values = double.outputs.twice }, outputs = { "total" },
  fn = function(inputs)
    local total = 0
    for n in string.gmatch(inputs.values, "%d+") do total = total + tonumber(n) end
    return { total = total }
  end }
local pairs_ = ctp.container { name = "fields", image = "x", for_each = { { k = "a" }, { k = "b" } },
  command = { "sh", "-c", "printf " .. ctp.item.k .. " > " .. ctp.output_path "k" }, outputs = { "k" } }
return ctp.pipeline { name = "loop", params = p, steps = { double, sum, pairs_ } }
)";

TEST_CASE("loops fan out over items and their outputs fan in as a list") {
  ScratchDir dir;
  Ran ran = RunIn(Script(kLoop), dir.path());
  REQUIRE(ran.result.status == "succeeded");
  CHECK(ran.Step("double[0]").outputs.at("twice") == "2");
  CHECK(ran.Step("double[2]").outputs.at("twice") == "6");
  CHECK(ran.Step("double").outputs.at("twice") == "[2,4,6]");
  CHECK(ran.Step("sum").outputs.at("total") == "12");
  CHECK(ran.Step("fields").outputs.at("k") == R"(["a","b"])");
  CHECK(
      std::filesystem::exists(dir.path() / "runs" / ran.result.run_id / "double/1/outputs/twice"));
}

const char* kExitHandler = R"(
local ctp = require "ctp"
local p = ctp.params { dir = ctp.string {}, code = ctp.int { default = 0 } }
local work = ctp.container { name = "work", image = "x", command = { "sh", "-c", "exit " .. p.code } }
local after = ctp.container { name = "after", image = "x", after = { work }, command = { "true" } }
local other = ctp.container { name = "other", image = "x", command = { "true" } }
return ctp.pipeline { name = "exit", params = p, steps = { work, after, other },
  on_exit = ctp.container { name = "notify", image = "x",
    command = { "sh", "-c", "echo " .. ctp.workflow.status .. " > " .. p.dir .. "/status" } } }
)";

TEST_CASE("the exit handler runs and sees the status; a failure skips dependents only") {
  ScratchDir dir;
  SUBCASE("success") {
    Ran ran = RunIn(Script(kExitHandler, {"dir=" + dir.path().string()}), dir.path() / "work");
    CHECK(ran.result.status == "succeeded");
    CHECK(FileText(dir.path() / "status") == "Succeeded\n");
  }
  SUBCASE("failure") {
    Ran ran =
        RunIn(Script(kExitHandler, {"dir=" + dir.path().string(), "code=3"}), dir.path() / "work");
    CHECK(ran.result.status == "failed");
    CHECK(ran.result.ExitCode() == 1);
    CHECK(ran.Step("work").status == "failed");
    CHECK(ran.Step("work").exit_code == 3);
    CHECK(ran.Step("work").message == "exited with code 3");
    CHECK(ran.Step("after").status == "omitted");
    CHECK(ran.Step("after").message == "upstream step 'work' did not succeed");
    CHECK(ran.Step("other").status == "succeeded");
    CHECK(ran.Step("notify").status == "succeeded");
    CHECK(FileText(dir.path() / "status") == "Failed\n");
  }
}

const char* kRetry = R"(
local ctp = require "ctp"
local p = ctp.params { dir = ctp.string {}, limit = ctp.int { default = 2 } }
local flaky = ctp.container { name = "flaky", image = "x", retry = { limit = ctp.value(p.limit) },
  command = { "sh", "-c", "echo x >> " .. p.dir .. "/tries; [ $(wc -l < " .. p.dir .. "/tries) -ge 3 ]" } }
return ctp.pipeline { name = "retry", params = p, steps = { flaky } }
)";

TEST_CASE("a failed step is retried up to its limit") {
  ScratchDir dir;
  SUBCASE("succeeds on the third attempt") {
    Ran ran = RunIn(Script(kRetry, {"dir=" + dir.path().string()}), dir.path() / "work");
    CHECK(ran.result.status == "succeeded");
    CHECK(ran.Step("flaky").attempts == 3);
  }
  SUBCASE("fails when the limit is too low") {
    Ran ran = RunIn(Script(kRetry, {"dir=" + dir.path().string(), "limit=1"}), dir.path() / "work");
    CHECK(ran.result.status == "failed");
    CHECK(ran.Step("flaky").attempts == 2);
    CHECK(FileText(dir.path() / "tries") == "x\nx\n");
  }
}

const char* kTimeout = R"(
local ctp = require "ctp"
local p = ctp.params { dir = ctp.string {} }
local slow = ctp.container { name = "slow", image = "x", timeout = 2,
  command = { "sh", "-c", "sleep 30 & echo $! > " .. p.dir .. "/child; wait" } }
return ctp.pipeline { name = "timeout", params = p, steps = { slow } }
)";

TEST_CASE("a step past its timeout is killed with its process group") {
  ScratchDir dir;
  Ran ran = RunIn(Script(kTimeout, {"dir=" + dir.path().string()}), dir.path() / "work");
  CHECK(ran.result.status == "failed");
  CHECK(ran.Step("slow").message == "timed out after 2s");
  const std::string child = FileText(dir.path() / "child");
  REQUIRE(!child.empty());
  // The background `sleep` was in the group: it is gone (or a zombie waiting to be reaped).
  const std::string stat = FileText("/proc/" + std::to_string(std::stoi(child)) + "/stat");
  CHECK((stat.empty() || stat.find(") Z") != std::string::npos));
}

}  // namespace
}  // namespace ctp::testing

namespace ctp::testing {
namespace {

const char* kPipelineTimeout = R"(
local ctp = require "ctp"
local slow = ctp.container { name = "slow", image = "x", command = { "sleep", "30" } }
local next = ctp.container { name = "next", image = "x", after = { slow }, command = { "true" } }
return ctp.pipeline { name = "deadline", steps = { slow, next }, timeout = 1,
  on_exit = ctp.container { name = "cleanup", image = "x", command = { "true" } } }
)";

TEST_CASE("the pipeline's timeout stops running steps, omits the rest and runs the exit handler") {
  ScratchDir dir;
  Ran ran = RunIn(Script(kPipelineTimeout), dir.path());
  CHECK(ran.result.status == "failed");
  CHECK(ran.Step("slow").status == "failed");
  CHECK(ran.Step("slow").message == "stopped");
  CHECK(ran.Step("next").status == "omitted");
  CHECK(ran.Step("next").message == "the pipeline timed out");
  CHECK(ran.Step("cleanup").status == "succeeded");
}

}  // namespace
}  // namespace ctp::testing
