// Loads tests/interpreter/scripts/features.lua, which uses every DSL feature once, and checks the
// Pipeline model it produces.
#include <doctest/doctest.h>

#include "ctp/model/dag.h"
#include "ctp/model/diagnostic.h"
#include "ctp/interpreter/script.h"
#include "ctp/native/builtin_steps.h"
#include "ctp/step/step_registry.h"
#include "pipeline_builder.h"
#include "test_paths.h"

using namespace ctp;

namespace {

Pipeline LoadFeatures(const LoadOptions& options = {}) {
  RegisterBuiltinSteps(StepRegistry::Default());
  return LoadPipeline(testing::SourcePath("tests/interpreter/scripts/features.lua"), options);
}

Template Parts(std::vector<Template::Part> parts) { return Template{std::move(parts)}; }

}  // namespace

TEST_CASE("pipeline fields, parameters and schedule") {
  Pipeline p = LoadFeatures();
  CHECK(p.name == "features");
  CHECK(p.description == "all of it");
  CHECK(p.location.line == 80);
  CHECK(p.labels == std::map<std::string, std::string>{{"team", "ml"}});
  CHECK(p.annotations == std::map<std::string, std::string>{{"owner", "ci"}});
  CHECK(p.service_account == "argo-runner");
  CHECK(p.image == "debian:bookworm-slim");
  CHECK(p.ctp_image == "registry.example/ctp:1.2");
  CHECK(p.vault_path == "secret/data/ctp");
  CHECK(p.timeout_seconds == 12 * 3600);
  CHECK(p.parallelism == 8);
  REQUIRE(p.retry);
  CHECK(p.retry->limit == 1);

  REQUIRE(p.params.size() == 5);  // sorted by name
  CHECK(p.params[0].name == "debug");
  CHECK(p.params[0].type == ParamType::kBool);
  CHECK(p.params[0].default_value == "false");
  CHECK(p.params[1].name == "epochs");
  CHECK(p.params[1].default_value == "5");
  CHECK(p.params[1].doc == "training epochs");
  CHECK(p.params[1].location.line == 6);
  CHECK(p.params[2].name == "lr");
  CHECK(p.params[2].default_value == "0.05");
  CHECK(p.params[3].name == "shards");
  CHECK(p.params[3].default_value == "[\"a\",\"b\"]");
  CHECK(p.params[4].default_value == "train");

  REQUIRE(p.schedule);
  CHECK(p.schedule->cron == std::vector<std::string>{"0 2 * * *", "0 14 * * 1-5"});
  CHECK(p.schedule->timezone == "Europe/Berlin");
  CHECK(p.schedule->concurrency_policy == "Replace");
  CHECK(p.schedule->successful_history == 5);
  CHECK(p.schedule->failed_history == 2);
  CHECK(p.schedule->starting_deadline_seconds == 300);
}

TEST_CASE("a container step with env, secrets, volumes, placement, retry and timeout") {
  Pipeline p = LoadFeatures();
  const Step& s = *p.FindStep("prepare");
  CHECK(s.kind == Step::Kind::kContainer);
  CHECK(s.location.line == 19);
  CHECK(s.image == "python:3.11");
  REQUIRE(s.args.size() == 5);
  CHECK(s.args[0] == Parts({{"--epochs=", std::nullopt}, {"", testing::ParamRef("epochs")}}));
  CHECK(s.args[2] == Template::Of("first line of data"));  // read with io.lines next to the script
  CHECK(s.args[4] == Template::Of(Ref{Ref::Kind::kOutputPath, "", "dataset"}));
  REQUIRE(s.env.size() == 3);
  CHECK(s.env[0].name == "PLAIN");
  CHECK(s.env[0].value == Template::Of("yes"));
  CHECK(s.env[1].name == "TOKEN");
  REQUIRE(s.env[1].secret);
  CHECK(s.env[1].secret->secret == "hub");
  CHECK(s.env[1].secret->key == "token");
  REQUIRE(s.env[2].vault);
  CHECK(s.env[2].vault->path == "secret/data/slack");
  CHECK(s.env[2].vault->key == "url");
  CHECK(s.working_dir == "/work");
  CHECK(s.image_pull_policy == "IfNotPresent");
  REQUIRE(s.mounts.size() == 3);
  CHECK(s.mounts[0].volume == "data");
  CHECK(s.mounts[0].path == "/mnt/data");
  CHECK(s.mounts[0].read_only);
  CHECK(s.resources.node_selector.at("cloud.google.com/gke-nodepool") == "cpu");
  REQUIRE(s.resources.tolerations.size() == 1);
  CHECK(s.resources.tolerations[0].effect == "NoSchedule");
  REQUIRE(s.retry);
  CHECK(s.retry->limit == 3);
  CHECK(s.retry->policy == "OnFailure");
  CHECK(s.retry->backoff == std::chrono::seconds(10));
  CHECK(s.retry->backoff_factor == 2.0);
  CHECK(s.retry->max_duration == std::chrono::minutes(5));
  CHECK(s.timeout_seconds == 5400);
  CHECK_FALSE(s.cache);

  REQUIRE(p.volumes.size() == 3);  // collected from the mounts, sorted by name
  CHECK(p.volumes[0].name == "creds");
  CHECK(p.volumes[0].kind == Volume::Kind::kSecret);
  CHECK(p.volumes[1].kind == Volume::Kind::kExistingClaim);
  CHECK(p.volumes[1].claim == "nfs-slides");
  CHECK(p.volumes[2].kind == Volume::Kind::kNewClaim);
  CHECK(p.volumes[2].size == "50Gi");
  CHECK(p.volumes[2].access_modes == std::vector<std::string>{"ReadWriteMany"});
  CHECK(p.volumes[2].storage_class == "nfs-client");
}

TEST_CASE("a component step, loops, a Lua step, a condition, a native step, a sub-pipeline") {
  Pipeline p = LoadFeatures();
  const Step& train = *p.FindStep("train");
  // The component returns ctp.container {...} as a tail call, so the declaration is located at
  // the line that called the component.
  CHECK(train.location.file.find("scripts/features.lua") != std::string::npos);
  CHECK(train.location.line == 41);
  CHECK(train.args[1] == Template::Of(testing::OutputRef("prepare", "dataset")));
  CHECK(train.outputs[0].name == "metrics");  // outputs are sorted by name
  CHECK(train.outputs[0].kind == ValueKind::kMetrics);
  CHECK(train.outputs[0].path == "/tmp/metrics.json");
  CHECK(train.resources.gpu_count == 2);
  CHECK(train.resources.memory_limit == "20Gi");

  const Step& shard = *p.FindStep("shard");
  REQUIRE(shard.loop);
  CHECK(shard.loop->items_ref == testing::ParamRef("shards"));
  CHECK(shard.loop->parallelism == 2);

  const Step& letters = *p.FindStep("letters");
  CHECK(letters.kind == Step::Kind::kLua);
  REQUIRE(letters.loop);
  CHECK(letters.loop->items == std::vector<std::string>{"\"x\"", "\"y\""});
  CHECK(letters.lua_source ==
        "return function(inputs)\n    return { upper = string.upper(inputs.letter) }\n  end");

  const Step& gate = *p.FindStep("gate");
  REQUIRE(gate.when);
  CHECK(gate.when->op == Condition::Op::kAnd);
  REQUIRE(gate.when->operands.size() == 4);
  CHECK(gate.when->operands[1].op == Condition::Op::kNot);
  CHECK(gate.when->operands[2].op == Condition::Op::kGe);
  CHECK(gate.when->operands[2].rhs == Template::Of("10"));
  CHECK(gate.when->operands[3].op == Condition::Op::kIn);
  CHECK(gate.when->operands[3].rhs == Template::Of("[\"train\",\"eval\"]"));
  CHECK(gate.after == std::vector<std::string>{"train", "letters"});

  const Step& say = *p.FindStep("say");
  CHECK(say.kind == Step::Kind::kNative);
  CHECK(say.native == "echo");
  CHECK(say.native_version == "1");
  REQUIRE(say.inputs.size() == 2);
  CHECK(say.inputs[0].name == "message");
  CHECK(say.inputs[1].value == Template::Of("2"));

  const Step& sub = *p.FindStep("sub");
  REQUIRE(sub.pipeline);
  CHECK(sub.pipeline->name == "inner");
  CHECK(sub.outputs.size() == 1);
  CHECK(sub.inputs[0].value == Template::Of(testing::ParamRef("stage")));

  REQUIRE(p.on_exit);
  CHECK(p.on_exit->args[0].parts[1].ref->kind == Ref::Kind::kWorkflowStatus);

  Dag dag = Dag::Build(p);
  CHECK(dag.TopologicalOrder() ==
        std::vector<std::string>{"prepare", "train", "shard", "letters", "gate", "say", "sub"});
  CHECK(dag.Upstream("gate") == std::vector<std::string>{"prepare", "train", "letters"});
}

TEST_CASE("parameter values from -p and files replace defaults, typed") {
  LoadOptions options;
  AddParamAssignment(options.params, "epochs=12");
  AddParamAssignment(options.params, "lr=1e-3");
  AddParamAssignment(options.params, "debug=true");
  AddParamAssignment(options.params, "shards=x, y ,3");
  Pipeline p = LoadFeatures(options);
  CHECK(p.FindParam("epochs")->default_value == "12");
  CHECK(p.FindParam("lr")->default_value == "0.001");
  CHECK(p.FindParam("debug")->default_value == "true");
  CHECK(p.FindParam("shards")->default_value == "[\"x\",\"y\",3]");
}

TEST_CASE("a bool parameter takes exactly true or false, as native-step arguments do") {
  for (const char* text : {"yes", "no", "on", "1", "0", "True"}) {
    CAPTURE(text);
    LoadOptions options;
    AddParamAssignment(options.params, std::string("debug=") + text);
    std::string message;
    try {
      LoadFeatures(options);
    } catch (const Error& e) {
      message = e.diagnostics().front().message;
    }
    CHECK(message == std::string("parameter 'debug' is a bool: cannot use '") + text +
                         "' (from -p debug=" + text + ")");
  }
}

TEST_CASE(
    "'..' on references stays exact while the script allocates (Lua 5.4.4 stack-shrink bug)") {
  // Before script evaluation ran with the collector stopped, a collection shrinking the stack under
  // these concatenation chains made the VM read a freed stack: strings silently lost their tail
  // ("run ") or the process crashed.
  RegisterBuiltinSteps(StepRegistry::Default());
  Pipeline p = LoadPipelineFromString(R"(
    local ctp = require "ctp"
    local args = {}
    for i = 1, 3000 do
      local junk = {}
      for j = 1, 50 do junk[j] = { i, j, tostring(i * j) } end
      args[#args + 1] = "run " .. i .. " of " .. "pipeline " .. ctp.workflow.name .. " at " .. "step " .. i
    end
    return ctp.pipeline { name = "p", steps = {
      ctp.container { name = "echo", image = "alpine", command = { "echo" }, args = args } } }
  )",
                                      "inline.lua");
  REQUIRE(p.steps[0].args.size() == 3000);
  int wrong = 0;
  for (int i = 1; i <= 3000; ++i) {
    const Template& arg = p.steps[0].args[i - 1];
    const std::string number = std::to_string(i);
    const bool exact = arg.parts.size() == 3 &&
                       arg.parts[0].text == "run " + number + " of pipeline " && arg.parts[1].ref &&
                       arg.parts[2].text == " at step " + number;
    wrong += !exact;
  }
  CHECK(wrong == 0);
}

TEST_CASE("a sub-pipeline step's outputs have the kinds of the step outputs its pipeline names") {
  RegisterBuiltinSteps(StepRegistry::Default());
  Pipeline p = LoadPipelineFromString(R"(
    local ctp = require "ctp"
    local make = ctp.container { name = "make", image = "alpine", outputs = {
      data = "artifact", score = "metrics", count = "parameter" } }
    local inner = ctp.pipeline { name = "inner", steps = { make }, outputs = {
      file = make.outputs.data, score = make.outputs.score, count = make.outputs.count,
      note = "n=" .. make.outputs.count } }
    local sub = ctp.sub_pipeline { name = "sub", pipeline = inner }
    local nested = ctp.pipeline { name = "nested", steps = { sub }, outputs = { file = sub.outputs.file } }
    local outer = ctp.sub_pipeline { name = "outer", pipeline = nested }
    local use = ctp.container { name = "use", image = "alpine", args = { outer.outputs.file } }
    return ctp.pipeline { name = "p", steps = { outer, use } }
  )",
                                      "inline.lua");
  const Step& outer = p.steps[0];
  REQUIRE(outer.outputs.size() == 1);
  CHECK(outer.outputs[0].kind == ValueKind::kArtifact);  // through two sub-pipelines
  const Step& sub = outer.pipeline->steps[0];
  std::map<std::string, ValueKind> kinds;
  for (const Output& output : sub.outputs) kinds[output.name] = output.kind;
  CHECK(kinds == std::map<std::string, ValueKind>{{"count", ValueKind::kParameter},
                                                  {"file", ValueKind::kArtifact},
                                                  {"note", ValueKind::kParameter},
                                                  {"score", ValueKind::kMetrics}});
}

TEST_CASE("a sub-pipeline can be the exit handler, given ctp.workflow.status as a parameter") {
  RegisterBuiltinSteps(StepRegistry::Default());
  Pipeline p = LoadPipelineFromString(R"(
    local ctp = require "ctp"
    local np = ctp.params { status = ctp.string {} }
    local send = ctp.container { name = "send", image = "alpine", args = { np.status } }
    local notify = ctp.pipeline { name = "notify", params = np, steps = { send } }
    local train = ctp.container { name = "train", image = "alpine" }
    return ctp.pipeline { name = "p", steps = { train },
      on_exit = ctp.sub_pipeline { name = "report", pipeline = notify,
                                   params = { status = ctp.workflow.status } } }
  )",
                                      "inline.lua");
  REQUIRE(p.on_exit);
  CHECK(p.on_exit->kind == Step::Kind::kPipeline);
  REQUIRE(p.on_exit->inputs.size() == 1);
  CHECK(p.on_exit->inputs[0].value.SoleRef()->kind == Ref::Kind::kWorkflowStatus);
}
