// The task builder: a step of the model becomes a task with resolved command, environment and
// inputs, its folder, its time limit, whether it may be cached, and the fingerprint that keys the
// cache.
#include "task_builder.h"

#include <doctest/doctest.h>

#include "runner_support.h"

namespace ctp::testing {
namespace {

using runner::BuildTask;
using runner::MapContainerPaths;
using runner::Task;
using runner::TaskInputs;

const char* kBuilt = R"(
local ctp = require "ctp"
local p = ctp.params { word = ctp.string { default = "hi" } }
local make = ctp.container { name = "make", image = "x", timeout = "2m", env = { W = "w-" .. p.word },
  command = { "sh", "-c" }, args = { "echo " .. p.word .. " > " .. ctp.output_path "n" }, outputs = { "n" } }
local use = ctp.lua { name = "use", inputs = { text = make.outputs.n }, outputs = { "loud" },
  fn = function(inputs) return { loud = inputs.text } end }
local each = ctp.container { name = "each", image = "x", for_each = { "a", "b" }, command = { "echo", ctp.item } }
local fresh = ctp.container { name = "fresh", image = "x", cache = false, command = { "true" } }
return ctp.pipeline { name = "built", params = p, steps = { make, use, each, fresh },
  on_exit = ctp.container { name = "notify", image = "x", command = { "echo", ctp.workflow.status } } }
)";

/// Everything BuildTask reads, for one run of `pipeline` in a scratch workdir.
struct Inputs {
  explicit Inputs(const Pipeline& pipeline, const std::string& word = "hi",
                  const std::string& run_id = "run-1")
      : workspace(dir.path()), params{{"word", word}} {
    inputs.pipeline = &pipeline;
    inputs.workspace = &workspace;
    inputs.registry = &BuiltinRegistry();
    inputs.secrets = &secrets;
    inputs.run_id = run_id;
    inputs.params = &params;
    inputs.step_outputs = &outputs;
    inputs.workflow_status = "Succeeded";
  }
  /// The task of step `name` (iteration `index` over `item` in loops).
  Task Build(const std::string& name, int index = -1, const nlohmann::json& item = {}) const {
    return BuildTask(*inputs.pipeline->FindStep(name), inputs, index, item);
  }

  ScratchDir dir;
  Workspace workspace;
  runner::SecretSource secrets{std::filesystem::path()};
  std::map<std::string, std::string> params;
  std::map<std::string, std::map<std::string, std::string>> outputs;
  TaskInputs inputs;
};

TEST_CASE("a container task has its command, environment, folder and time limit resolved") {
  const Pipeline pipeline = Script(kBuilt);
  Inputs in(pipeline);
  const Task task = in.Build("make");
  CHECK(task.name == "make");
  CHECK(task.dir ==
        std::filesystem::absolute(in.dir.path() / "runs/run-1/make").lexically_normal());
  REQUIRE(task.argv.size() == 3);
  CHECK(task.argv[0] == "sh");
  CHECK(task.argv[2] == "echo hi > " + (task.dir / "outputs.partial/n").string());
  CHECK(task.env.at("W") == "w-hi");
  CHECK(task.timeout == std::chrono::milliseconds(120000));
  CHECK(task.inputs.empty());
  CHECK(task.cacheable);
}

TEST_CASE("a Lua task's inputs are the outputs of the steps it reads") {
  const Pipeline pipeline = Script(kBuilt);
  Inputs in(pipeline);
  CHECK_THROWS_WITH_AS(in.Build("use"), "step 'make' has not produced outputs", std::runtime_error);
  in.outputs["make"] = {{"other", "x"}};
  CHECK_THROWS_WITH_AS(in.Build("use"), "step 'make' has no output 'n'", std::runtime_error);
  in.outputs["make"] = {{"n", "hi"}};
  const Task task = in.Build("use");
  CHECK(task.argv.empty());
  CHECK(task.inputs == std::map<std::string, std::string>{{"text", "hi"}});
}

TEST_CASE("a loop iteration is a task of its own with its item") {
  const Pipeline pipeline = Script(kBuilt);
  Inputs in(pipeline);
  const Task second = in.Build("each", 1, "b");
  CHECK(second.name == "each[1]");
  CHECK(second.dir.filename() == "1");
  CHECK(second.dir.parent_path().filename() == "each");
  CHECK(second.argv == std::vector<std::string>{"echo", "b"});
  CHECK(second.fingerprint != in.Build("each", 0, "a").fingerprint);
}

TEST_CASE("the fingerprint follows the resolved spec, not the run") {
  const Pipeline pipeline = Script(kBuilt);
  const std::string first = Inputs(pipeline).Build("make").fingerprint;
  CHECK(first.size() == 64);
  CHECK(Inputs(pipeline, "hi", "run-2").Build("make").fingerprint == first);
  CHECK(Inputs(pipeline, "ho").Build("make").fingerprint != first);
  CHECK(Inputs(pipeline).Build("fresh").fingerprint != first);
}

TEST_CASE("steps with cache = false and the exit handler are never cached") {
  const Pipeline pipeline = Script(kBuilt);
  Inputs in(pipeline);
  CHECK_FALSE(in.Build("fresh").cacheable);
  const Task notify = BuildTask(*pipeline.on_exit, in.inputs, -1, {});
  CHECK_FALSE(notify.cacheable);
  CHECK(notify.argv == std::vector<std::string>{"echo", "Succeeded"});
}

TEST_CASE("container paths map to local folders where they start a path; longer ones win") {
  const std::vector<std::pair<std::string, std::string>> mapping = {{"/data/in", "/l/in"},
                                                                    {"/data", "/l/data"}};
  CHECK(MapContainerPaths("cat /data/in/x /data/y", mapping) == "cat /l/in/x /l/data/y");
  CHECK(MapContainerPaths("/datax a/data", mapping) == "/datax a/data");
}

}  // namespace
}  // namespace ctp::testing
