// ctp pipelines written to match upstream Argo examples (tests/conformance/data/argo/examples), compared
// structurally: the same containers (image, command line modulo placeholders and file paths), the
// same ordering, conditions, loops, retries, mounts, parameters, volumes and schedules.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "argo_shape.h"
#include "ctp/emit/emit.h"
#include "pipeline_builder.h"
#include "test_paths.h"

using namespace ctp;
using namespace ctp::testing;

namespace {

std::string ReadExample(const std::string& name) {
  std::ifstream in(SourcePath("tests/conformance/data/argo/examples/" + name + ".yaml"));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string Join(const std::vector<std::string>& words) {
  std::string text;
  for (const std::string& w : words) text += "[" + w + "]";
  return text;
}

std::string Join(const std::set<std::string>& words) {
  return Join(std::vector<std::string>(words.begin(), words.end()));
}

// Checks that ctp's output for `pipeline` has the structure of the upstream example (of its
// document `document` when the example holds several resources).
void CheckLikeExample(const std::string& example, const Pipeline& pipeline,
                      EmitOptions::Kind kind = EmitOptions::Kind::kWorkflow, int document = -1) {
  CAPTURE(example);
  EmitOptions options;
  options.kind = kind;
  const ArgoShape ours = ShapeOfArgo(EmitArgo(pipeline, options));
  const std::string text = ReadExample(example);
  const ArgoShape theirs =
      ShapeOfArgo(document < 0 ? text : YAML::Dump(YAML::LoadAll(text).at(document)));
  REQUIRE(!theirs.leaves.empty());
  std::set<std::string> our_names, their_names;
  for (const auto& [name, leaf] : ours.leaves) our_names.insert(name);
  for (const auto& [name, leaf] : theirs.leaves) their_names.insert(name);
  REQUIRE(Join(our_names) == Join(their_names));
  for (const auto& entry : theirs.leaves) {
    // Not structured bindings: CAPTURE's lambda cannot name one (Clang 14).
    const std::string& name = entry.first;
    const ArgoLeaf& theirs_leaf = entry.second;
    CAPTURE(name);
    const ArgoLeaf& ours_leaf = ours.leaves.at(name);
    CHECK(ours_leaf.image == theirs_leaf.image);
    CHECK(Join(ours_leaf.argv) == Join(theirs_leaf.argv));
    CHECK(Join(ours_leaf.deps) == Join(theirs_leaf.deps));
    CHECK(ours_leaf.when == theirs_leaf.when);
    CHECK(ours_leaf.loop == theirs_leaf.loop);
    CHECK(ours_leaf.retry_limit == theirs_leaf.retry_limit);
    CHECK(ours_leaf.mounts == theirs_leaf.mounts);
  }
  for (const std::string& name : ours.exit_leaves) CHECK(theirs.exit_leaves.count(name) == 1);
  CHECK(ours.exit_leaves.empty() == theirs.exit_leaves.empty());
  CHECK(ours.params == theirs.params);
  CHECK(ours.volumes == theirs.volumes);
  CHECK(ours.cron == theirs.cron);
}

Pipeline Named(const std::string& name) {
  Pipeline p;
  p.name = name;
  p.location = {"test.lua", 1};
  return p;
}

}  // namespace

TEST_CASE("like dag-diamond: a diamond of dependencies") {
  Pipeline p = Named("dag-diamond");
  for (const char* name : {"A", "B", "C", "D"})
    p.steps.push_back(CommandStep(name, 2, "busybox", {"echo", name}));
  p.steps[1].after = {"A"};
  p.steps[2].after = {"A"};
  p.steps[3].after = {"B", "C"};
  CheckLikeExample("dag-diamond", p);
}

TEST_CASE("like global-parameters: a workflow parameter read by a step") {
  Pipeline p = Named("global-parameters");
  p.params = {MakeParam("message", ParamType::kString, "hello world")};
  Step print = CommandStep("print-message", 2, "busybox", {"echo"});
  WithArg(print, ParamRef("message"));
  p.steps = {print};
  CheckLikeExample("global-parameters", p);
}

TEST_CASE("like artifact-passing: a file passed from one step to the next") {
  Pipeline p = Named("artifact-passing");
  Step generate = CommandStep("generate-artifact", 2, "busybox", {"sh", "-c"});
  generate.args = {Text({"sleep 1; echo hello world | tee ", OutputPathRef("hello-art")})};
  WithOutput(generate, "hello-art", ValueKind::kArtifact);
  Step consume = CommandStep("consume-artifact", 3, "busybox", {"sh", "-c"});
  consume.args = {Text({"cat ", OutputRef("generate-artifact", "hello-art")})};
  p.steps = {generate, consume};
  CheckLikeExample("artifact-passing", p);
}

TEST_CASE("like conditionals: steps guarded by a parameter") {
  Pipeline p = Named("conditional");
  p.params = {MakeParam("should-print", ParamType::kString, "true")};
  for (const char* name : {"print-hello-govaluate", "print-hello-expr", "print-hello-expr-json"}) {
    Step step = CommandStep(name, 2, "argoproj/argosay:v1", {"sh", "-c", "cowsay hello"});
    step.when =
        Compare(Condition::Op::kEq, Template::Of(ParamRef("should-print")), Template::Of("true"));
    p.steps.push_back(step);
  }
  CheckLikeExample("conditionals", p);
}

TEST_CASE("like loops: a step over literal items") {
  Pipeline p = Named("loops");
  Step print = CommandStep("print-message-loop", 2, "busybox", {"echo"});
  WithArg(print, ItemRef());
  print.loop = Loop{{"\"hello world\"", "\"goodbye world\""}, std::nullopt, 0};
  p.steps = {print};
  CheckLikeExample("loops", p);
}

TEST_CASE("like exit-handlers: a failing step and an exit handler") {
  Pipeline p = Named("exit-handlers");
  p.steps = {CommandStep("intentional-fail", 2, "alpine:3.23",
                         {"sh", "-c", "echo intentional failure; exit 1"})};
  Step notify = CommandStep("notify", 3, "alpine:3.23", {"sh", "-c"});
  notify.args = {
      Text({"echo send e-mail: ", Ref{Ref::Kind::kWorkflowName, {}, {}}, " ", StatusRef()})};
  p.on_exit = notify;
  CheckLikeExample("exit-handlers", p);
}

TEST_CASE("like retry-backoff: retries with exponential backoff") {
  Pipeline p = Named("retry-backoff");
  Step step = CommandStep("retry-backoff", 2, "python:alpine3.23", {"python", "-c"});
  step.args = {
      Template::Of("import random; import sys; exit_code = random.choice([0, 1, 1]); "
                   "sys.exit(exit_code)")};
  step.retry = Retry{10, "Always", std::chrono::seconds(1), 2.0, {}, std::chrono::seconds(60)};
  p.steps = {step};
  CheckLikeExample("retry-backoff", p);
}

TEST_CASE("like volumes-existing: an existing claim mounted by two steps") {
  Pipeline p = Named("volumes-existing");
  Volume workdir;
  workdir.name = "workdir";
  workdir.claim = "my-existing-volume";
  p.volumes = {workdir};
  Step generate =
      CommandStep("generate", 2, "alpine:3.23",
                  {"sh", "-c", "echo accessed at: $(date) | tee -a /mnt/vol/accesslog"});
  Step print = CommandStep("print", 3, "alpine:3.23",
                           {"sh", "-c", "echo 'Volume access log:'; cat /mnt/vol/accesslog"});
  generate.mounts = print.mounts = {{"workdir", "/mnt/vol", false, ""}};
  print.after = {"generate"};
  p.steps = {generate, print};
  CheckLikeExample("volumes-existing", p);
}

TEST_CASE("like volumes-pvc: a claim created for the run") {
  Pipeline p = Named("volumes-pvc");
  Volume workdir;
  workdir.name = "workdir";
  workdir.kind = Volume::Kind::kNewClaim;
  workdir.size = "1Gi";
  workdir.access_modes = {"ReadWriteOnce"};
  p.volumes = {workdir};
  Step generate = CommandStep(
      "generate", 2, "busybox",
      {"sh", "-c",
       "echo generating message in volume; echo hello world | tee /mnt/vol/hello_world.txt"});
  Step print = CommandStep(
      "print", 3, "alpine:3.23",
      {"sh", "-c",
       "echo getting message from volume; find /mnt/vol; cat /mnt/vol/hello_world.txt"});
  generate.mounts = print.mounts = {{"workdir", "/mnt/vol", false, ""}};
  print.after = {"generate"};
  p.steps = {generate, print};
  CheckLikeExample("volumes-pvc", p);
}

TEST_CASE("like cron-workflow: a scheduled pipeline (template + CronWorkflow)") {
  Pipeline p = Named("hello-world");
  Step hello = CommandStep("hello-world-with-time", 2, "busybox", {"echo"});
  hello.args = {Text({"🕓 hello world. Scheduled on: ", Ref{Ref::Kind::kWorkflowName, {}, {}}})};
  p.steps = {hello};
  Schedule schedule;
  schedule.cron = {"* * * * *"};
  schedule.timezone = "America/Los_Angeles";
  schedule.concurrency_policy = "Replace";
  schedule.successful_history = 4;
  schedule.failed_history = 4;
  schedule.starting_deadline_seconds = 0;
  p.schedule = schedule;
  CheckLikeExample("cron-workflow", p, EmitOptions::Kind::kAll);
}

TEST_CASE("like workflow-template--templates: a WorkflowTemplate whose entrypoint takes input") {
  Pipeline p = Named("workflow-template-print-message");
  p.params = {MakeParam("message")};
  Step print = CommandStep("print-message", 2, "busybox", {"echo"});
  WithArg(print, ParamRef("message"));
  p.steps = {print};
  CheckLikeExample("workflow-template--templates", p, EmitOptions::Kind::kTemplate, 0);
}

TEST_CASE("the structural comparison notices a missing condition or a different command") {
  const ArgoShape theirs = ShapeOfArgo(ReadExample("conditionals"));
  Pipeline p = Named("conditional");
  p.steps = {
      CommandStep("print-hello-govaluate", 2, "argoproj/argosay:v1", {"sh", "-c", "cowsay hi"})};
  const ArgoShape ours = ShapeOfArgo(EmitArgo(p));
  CHECK(ours.leaves.at("print-hello-govaluate").when !=
        theirs.leaves.at("print-hello-govaluate").when);
  CHECK(Join(ours.leaves.at("print-hello-govaluate").argv) !=
        Join(theirs.leaves.at("print-hello-govaluate").argv));
}
