// ctp pipelines written to match what the KFP compiler writes (tests/conformance/data/kfp/v2 and
// v2-kubernetes), compared structurally with ShapeOfKfp: same leaf tasks, enclosing group kinds,
// dependencies through groups, conditions, iterators, retries, images, container command lines
// (constants substituted, placeholders as {}), env and kubernetes platform settings.
#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "ctp/emit/emit.h"
#include "kfp_shape.h"
#include "pipeline_builder.h"
#include "test_paths.h"

using namespace ctp;
using namespace ctp::testing;

namespace {

std::string ReadReference(const std::string& name) {
  std::ifstream in(SourcePath("tests/conformance/data/kfp/" + name + ".yaml"));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

template <class Words>
std::string Join(const Words& words) {
  std::string text;
  for (const std::string& w : words) text += "[" + w + "]";
  return text;
}

// Our task names as the reference spells them (`renames`: ours -> theirs), in leaves and deps.
KfpShape Renamed(KfpShape shape, const std::map<std::string, std::string>& renames) {
  auto rename = [&](const std::string& name) {
    auto found = renames.find(name);
    return found == renames.end() ? name : found->second;
  };
  std::map<std::string, KfpLeaf> leaves;
  for (auto& [name, leaf] : shape.leaves) {
    std::set<std::string> deps;
    for (const std::string& dep : leaf.deps) deps.insert(rename(dep));
    leaf.deps = deps;
    leaves[rename(name)] = leaf;
  }
  shape.leaves = leaves;
  return shape;
}

void CheckLikeReference(const std::string& reference, const Pipeline& pipeline,
                        const std::map<std::string, std::string>& renames = {}) {
  CAPTURE(reference);
  const KfpShape ours = Renamed(ShapeOfKfp(EmitKfp(pipeline)), renames);
  const KfpShape theirs = ShapeOfKfp(ReadReference(reference));
  REQUIRE(!theirs.leaves.empty());
  std::set<std::string> our_names, their_names;
  for (const auto& [name, leaf] : ours.leaves) our_names.insert(name);
  for (const auto& [name, leaf] : theirs.leaves) their_names.insert(name);
  REQUIRE(Join(our_names) == Join(their_names));
  for (const auto& entry : theirs.leaves) {
    // Not structured bindings: CAPTURE's lambda cannot name one (Clang 14).
    const std::string& name = entry.first;
    const KfpLeaf& t = entry.second;
    CAPTURE(name);
    const KfpLeaf& o = ours.leaves.at(name);
    CHECK(Join(o.groups) == Join(t.groups));
    CHECK(Join(o.deps) == Join(t.deps));
    CHECK(o.condition == t.condition);
    CHECK(o.iterator == t.iterator);
    CHECK(o.image == t.image);
    if (!t.argv.empty()) CHECK(Join(o.argv) == Join(t.argv));
    CHECK(o.retry == t.retry);
    CHECK(o.strategy == t.strategy);
    CHECK(o.final_status == t.final_status);
    CHECK(o.env == t.env);
    CHECK(Join(o.platform) == Join(t.platform));
  }
  CHECK(ours.params == theirs.params);
}

Pipeline Named(const std::string& name) {
  Pipeline p;
  p.name = name;
  p.location = {"test.lua", 1};
  return p;
}

// A step standing in for a KFP lightweight Python component (python:3.11).
Step PythonStep(const std::string& name, std::vector<Ref> reads = {}, bool output = false) {
  Step step = CommandStep(name, 2, "python:3.11", {"python3", "-c", "pass"});
  for (Ref& ref : reads) WithArg(step, std::move(ref));
  if (output) WithOutput(step, "Output");
  return step;
}

Step ShStep(const std::string& name, const std::string& script, const std::string& arg) {
  Step step = CommandStep(name, 2, "alpine", {"sh", "-c", script.c_str()});
  if (!arg.empty()) step.command.push_back(Template::Of(arg));
  return step;
}

Condition OutputIs(const std::string& step, const std::string& value) {
  return Compare(Condition::Op::kEq, Template::Of(OutputRef(step, "Output")), Template::Of(value));
}

}  // namespace

TEST_CASE("like KFP hello_world") {
  Pipeline p = Named("echo");
  p.steps = {CommandStep("echo", 2, "registry.access.redhat.com/ubi9/python-311:latest", {"echo"})};
  p.steps[0].args = {Template::Of("hello world")};
  CheckLikeReference("v2/hello_world", p);
}

TEST_CASE("like KFP pipeline_with_after") {
  Pipeline p = Named("pipeline-with-after");
  const std::string script = "set -e -x\necho \"$0\"\n";
  p.steps = {ShStep("print-text", script, "1st task"), ShStep("print-text-2", script, "2nd task"),
             ShStep("print-text-3", script, "3rd task")};
  p.steps[1].after = {"print-text"};
  p.steps[2].after = {"print-text", "print-text-2"};
  CheckLikeReference("v2/pipeline_with_after", p);
}

TEST_CASE("like KFP pipeline_with_condition") {
  Pipeline p = Named("single-condition-pipeline");
  p.params = {MakeParam("text", ParamType::kString, "condition test")};
  Step print_op = PythonStep("print-op", {OutputRef("flip-coin-op", "Output")});
  Step flip2 = PythonStep("flip-coin-op-2", {}, true);
  Step print2 = PythonStep("print-op-2", {OutputRef("flip-coin-op-2", "Output")});
  Step print3 = PythonStep("print-op-3", {ParamRef("text")});
  flip2.when = print2.when = print3.when = OutputIs("flip-coin-op", "heads");
  p.steps = {PythonStep("flip-coin-op", {}, true), print_op, flip2, print2, print3};
  CheckLikeReference("v2/pipeline_with_condition", p);
}

TEST_CASE("like KFP pipeline_with_loops") {
  Pipeline p = Named("pipeline-with-loops");
  p.params = {MakeParam("loop_parameter", ParamType::kList, R"(["a", "b"])")};
  Step generator = PythonStep("args-generator-op", {}, true);
  auto looped = [](const std::string& name, Loop loop, std::vector<Ref> reads) {
    Step step = PythonStep(name, std::move(reads));
    step.loop = std::move(loop);
    return step;
  };
  const Loop over_param{{}, ParamRef("loop_parameter"), 0};
  const Loop over_output{{}, OutputRef("args-generator-op", "Output"), 0};
  const Loop raw{{R"({"A_a": "1", "B_b": "2"})", R"({"A_a": "10", "B_b": "20"})"}, std::nullopt, 0};
  p.steps = {generator,
             looped("print-text", over_param, {ItemRef()}),
             looped("print-struct", over_output, {ItemRef()}),
             looped("print-text-2", over_output, {ItemRef("A_a")}),
             looped("print-text-3", over_output, {ItemRef("B_b")}),
             looped("print-struct-2", raw, {ItemRef()}),
             looped("print-text-4", raw, {ItemRef("A_a")}),
             looped("print-text-5", raw, {ItemRef("B_b")})};
  CheckLikeReference("v2/pipeline_with_loops", p);
}

TEST_CASE("like KFP pipeline_with_exit_handler") {
  Pipeline p = Named("pipeline-with-exit-handler");
  p.params = {MakeParam("message", ParamType::kString, "Hello World!")};
  p.steps = {PythonStep("print-op-2", {ParamRef("message")}), PythonStep("fail-op")};
  p.on_exit = PythonStep("print-op");
  CheckLikeReference("v2/pipeline_with_exit_handler", p);
}

TEST_CASE("like KFP pipeline_with_task_final_status") {
  Pipeline p = Named("pipeline-with-task-final-status");
  p.params = {MakeParam("message", ParamType::kString, "Hello World!")};
  p.steps = {PythonStep("print-op", {ParamRef("message")}), PythonStep("fail-op")};
  p.on_exit = PythonStep("exit-op", {StatusRef(), ParamRef("message")});
  CheckLikeReference("v2/pipeline_with_task_final_status", p);
}

TEST_CASE("like KFP pipeline_with_retry") {
  Pipeline p = Named("test-pipeline");
  p.params = {MakeParam("a", ParamType::kFloat, "1.0"), MakeParam("b", ParamType::kFloat, "7.0")};
  Step add = PythonStep("add", {ParamRef("a"), ParamRef("b")}, true);
  add.retry = Retry{3, std::nullopt, {}, 2.0, {}, std::chrono::seconds(3600)};
  p.steps = {add};
  CheckLikeReference("v2/pipeline_with_retry", p);
}

TEST_CASE("like KFP pipeline_with_env") {
  Pipeline p = Named("pipeline-with-env");
  Step env = ShStep("print-env", "set -e -x\necho \"$ENV1\"\necho \"$ENV2\"\necho \"$ENV3\"\n", "");
  for (const auto& [name, value] : {std::pair{"ENV1", "val0"}, {"ENV2", "val2"}, {"ENV3", "val3"}})
    env.env.push_back(EnvVar{name, Template::Of(value), std::nullopt, std::nullopt, {}});
  Step op = PythonStep("print-env-op");
  op.env.push_back(EnvVar{"ENV1", Template::Of("val1"), std::nullopt, std::nullopt, {}});
  p.steps = {env, op};
  CheckLikeReference("v2/pipeline_with_env", p);
}

TEST_CASE("like KFP pvc_mount") {
  Pipeline p = Named("pipeline");
  p.params = {MakeParam("pvc_name")};
  Volume data;
  data.name = "data";
  data.claim = "my-pvc";
  p.volumes = {data};
  Step producer = PythonStep("producer", {}, true);
  Step consumer = PythonStep("consumer", {OutputRef("producer", "Output")});
  producer.mounts = consumer.mounts = {{"data", "/data", false, ""}};
  p.steps = {producer, consumer};
  CheckLikeReference("v2/pvc_mount", p);
}

TEST_CASE("like kfp-kubernetes create_mount_delete_dynamic_pvc: a claim created and deleted") {
  Pipeline p = Named("my-pipeline");
  Volume claim;
  claim.name = "my-pvc";
  claim.kind = Volume::Kind::kNewClaim;
  claim.size = "5Mi";
  claim.storage_class = "standard";
  p.volumes = {claim};
  Step producer = PythonStep("producer", {}, true);
  Step consumer = PythonStep("consumer", {}, true);
  consumer.after = {"producer"};
  producer.mounts = consumer.mounts = {{"my-pvc", "/data", false, ""}};
  p.steps = {producer, consumer};
  // ctp names the tasks after the volume (a pipeline may create several claims).
  CheckLikeReference("v2-kubernetes/create_mount_delete_dynamic_pvc", p,
                     {{"createpvc-my-pvc", "createpvc"}, {"deletepvc-my-pvc", "deletepvc"}});
}

TEST_CASE("like kfp-kubernetes node_selector, toleration, secret_as_env and timeout") {
  Pipeline p = Named("my-pipeline");
  Step comp = PythonStep("comp");
  Pipeline selector = p;
  comp.resources.node_selector = {{"cloud.google.com/gke-accelerator", "nvidia-tesla-p4"}};
  selector.steps = {comp};
  CheckLikeReference("v2-kubernetes/node_selector", selector);

  Pipeline toleration = p;
  comp = PythonStep("comp");
  comp.resources.tolerations = {{"key1", "Equal", "value1", "NoExecute", 10}};
  toleration.steps = {comp};
  CheckLikeReference("v2-kubernetes/toleration", toleration);

  Pipeline secret = p;
  comp = PythonStep("comp");
  comp.env = {EnvVar{"SECRET_VAR", {}, SecretKeyRef{"my-secret", "password"}, std::nullopt, {}}};
  secret.steps = {comp};
  CheckLikeReference("v2-kubernetes/secret_as_env", secret);

  Pipeline timeout = p;
  comp = PythonStep("comp");
  comp.timeout_seconds = 20;
  timeout.steps = {comp};
  CheckLikeReference("v2-kubernetes/timeout", timeout);
}

TEST_CASE("the structural comparison notices a missing dependency or condition") {
  const KfpShape theirs = ShapeOfKfp(ReadReference("v2/pipeline_with_after"));
  Pipeline p = Named("pipeline-with-after");
  const std::string script = "set -e -x\necho \"$0\"\n";
  p.steps = {ShStep("print-text", script, "1st task"), ShStep("print-text-2", script, "2nd task"),
             ShStep("print-text-3", script, "3rd task")};
  p.steps[2].after = {"print-text"};
  const KfpShape ours = ShapeOfKfp(EmitKfp(p));
  CHECK(Join(ours.leaves.at("print-text-3").deps) != Join(theirs.leaves.at("print-text-3").deps));
  CHECK(Join(ours.leaves.at("print-text-3").argv) == Join(theirs.leaves.at("print-text-3").argv));
}
