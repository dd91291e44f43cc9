// Timeouts of Lua and native steps (a Lua hook and the native steps' cooperative stop flag), and
// Lua steps' `print` going to the step's log.
#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "ctp/runner/run_store.h"
#include "ctp/runner/workspace.h"
#include "runner_support.h"
#include "step_executor.h"

namespace ctp::testing {
namespace {

using std::chrono::milliseconds;

// Native steps for these tests: one that stops when its flag is set, one that only reports
// progress, one that finishes at once.
const StepRegistry& TimeoutRegistry() {
  static const StepRegistry registry = [] {
    StepRegistry r;
    r.Register({"spin", "1", "loops until told to stop", {}, {}, [](StepContext& context) {
                  while (!context.cancelled->load()) std::this_thread::sleep_for(milliseconds(5));
                  throw std::runtime_error("spin: cancelled");
                }});
    r.Register({"report", "1", "reports progress forever", {}, {}, [](StepContext& context) {
                  for (int i = 0;; ++i) {
                    context.progress({static_cast<double>(i), 0, "ticks", ""});
                    std::this_thread::sleep_for(milliseconds(5));
                  }
                }});
    r.Register({"quick", "1", "returns at once", {}, {}, [](StepContext&) {}});
    return r;
  }();
  return registry;
}

const char* kSteps = R"(
local ctp = require "ctp"
local forever = ctp.lua { name = "forever", fn = function(inputs)
  print("started", 1, true)
  local n = 0
  while true do n = n + 1 end
end }
local caught = ctp.lua { name = "caught", fn = function(inputs)
  while true do pcall(function() for i = 1, 1e6 do end end) end
end }
local talk = ctp.lua { name = "talk", outputs = { "n" }, fn = function(inputs)
  print("line one")
  print("two", 2)
  return { n = 2 }
end }
return ctp.pipeline { name = "timeouts", steps = { forever, caught, talk,
  ctp.steps.spin { name = "spin" }, ctp.steps.report { name = "report" },
  ctp.steps.quick { name = "quick" } } }
)";

Pipeline Steps() {
  LoadOptions options;
  options.registry = &TimeoutRegistry();
  return LoadPipelineFromString(kSteps, "timeouts.lua", options);
}

/// Runs one step of kSteps through the executor with `timeout`.
struct Executed {
  runner::TaskOutcome outcome;
  std::string log;
};

Executed Execute(const Pipeline& pipeline, const std::string& step, const ScratchDir& dir,
                 std::optional<milliseconds> timeout,
                 const std::atomic<bool>* cancelled = nullptr) {
  static const std::atomic<bool> never = false;
  Workspace workspace(dir.path());
  RunStore store(workspace.Database());
  runner::ExecutionEnv env;
  env.run_id = "timeouts-1";
  env.workspace = &workspace;
  env.store = &store;
  env.registry = &TimeoutRegistry();
  static const LuaStepFunction lua_steps = RunLuaStep;
  env.lua_steps = &lua_steps;
  env.cancelled = cancelled ? cancelled : &never;
  runner::Task task;
  task.name = step;
  task.step = pipeline.FindStep(step);
  task.dir = workspace.TaskDir(env.run_id, step);
  task.timeout = timeout;
  task.attempts = 1;
  Executed executed{runner::ExecuteTask(task, env), ""};
  executed.log = FileText(task.dir / "log.txt");
  return executed;
}

TEST_CASE("a Lua step past its timeout fails with the timeout message, even inside pcall") {
  ScratchDir dir;
  const Pipeline pipeline = Steps();
  for (const char* step : {"forever", "caught"}) {
    CAPTURE(step);
    Executed ran = Execute(pipeline, step, dir, milliseconds(200));
    CHECK_FALSE(ran.outcome.succeeded);
    CHECK(ran.outcome.timed_out);
    CHECK(ran.outcome.message == "timed out after 0.2s");
    CHECK(ran.log.find(std::string("ctp: step ") + step + " timed out after 0.2s\n") !=
          std::string::npos);
  }
}

TEST_CASE("a Lua step stops when the run is stopping") {
  ScratchDir dir;
  const Pipeline pipeline = Steps();
  std::atomic<bool> cancelled = false;
  std::thread stopper([&] {
    std::this_thread::sleep_for(milliseconds(100));
    cancelled = true;
  });
  Executed ran = Execute(pipeline, "forever", dir, std::nullopt, &cancelled);
  stopper.join();
  CHECK_FALSE(ran.outcome.succeeded);
  CHECK_FALSE(ran.outcome.timed_out);
  CHECK(ran.outcome.message == "stopped");
}

TEST_CASE("a native step past its timeout stops through its flag or its progress callback") {
  ScratchDir dir;
  const Pipeline pipeline = Steps();
  for (const char* step : {"spin", "report"}) {
    CAPTURE(step);
    Executed ran = Execute(pipeline, step, dir, milliseconds(200));
    CHECK_FALSE(ran.outcome.succeeded);
    CHECK(ran.outcome.timed_out);
    CHECK(ran.outcome.message == "timed out after 0.2s");
    CHECK(ran.log == std::string("ctp: step ") + step + " timed out after 0.2s\n");
  }
  Executed quick = Execute(pipeline, "quick", dir, milliseconds(200));
  CHECK(quick.outcome.succeeded);
  CHECK_FALSE(quick.outcome.timed_out);
}

TEST_CASE("a Lua step's print goes to its log.txt and is streamed with --verbose") {
  ScratchDir dir;
  Pipeline pipeline = Steps();
  pipeline.steps.erase(std::remove_if(pipeline.steps.begin(), pipeline.steps.end(),
                                      [](const Step& step) { return step.name != "talk"; }),
                       pipeline.steps.end());
  Ran ran = RunIn(pipeline, dir.path(), [](RunOptions& options) {
    options.verbose = true;
    options.registry = &TimeoutRegistry();
  });
  REQUIRE(ran.result.status == RunStatus::kSucceeded);
  CHECK(FileText(dir.path() / "runs" / ran.result.run_id / "talk/log.txt") ==
        "line one\ntwo\t2\nreturned 1 output\n");
  CHECK(ran.out.find("talk | line one\ntalk | two\t2\n") != std::string::npos);
}

}  // namespace
}  // namespace ctp::testing
