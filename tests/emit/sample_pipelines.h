// Small pipelines, one per emitter feature, shared by the golden, determinism and conformance
// tests of the Argo and KFP emitters.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "pipeline_builder.h"

namespace ctp::testing {

/// Params, a parameter output passed on, and an explicit `after`.
inline Pipeline ParamsPipeline() {
  Pipeline p;
  p.name = "params";
  p.description = "Greets someone";
  p.location = {"test.lua", 1};
  p.params = {MakeParam("who", ParamType::kString, "world"),
              MakeParam("count", ParamType::kInt, "3")};
  Step gen = CommandStep("gen", 2, "alpine:3.19", {"sh", "-c"});
  gen.args.push_back(Text({"echo hello ", ParamRef("who"), " > ", OutputPathRef("greeting")}));
  WithOutput(gen, "greeting");
  Step show = CommandStep("show", 3, "alpine:3.19", {"echo"});
  WithArg(show, OutputRef("gen", "greeting"));
  show.args.push_back(Text({"--count=", ParamRef("count")}));
  Step last = CommandStep("last", 4, "alpine:3.19", {"true"});
  last.after = {"show"};
  p.steps = {gen, show, last};
  return p;
}

/// An artifact and a metrics file passed by path.
inline Pipeline ArtifactsPipeline() {
  Pipeline p;
  p.name = "artifacts";
  p.location = {"test.lua", 1};
  p.image = "python:3.11";
  Step make = ContainerStep("make", 2, "");
  make.command = {Template::Of("python"), Template::Of("make.py")};
  make.args = {Template::Of(OutputPathRef("data")), Template::Of(OutputPathRef("metrics"))};
  WithOutput(make, "data", ValueKind::kArtifact);
  WithOutput(make, "metrics", ValueKind::kMetrics);
  Step use = ContainerStep("use", 3, "");
  use.command = {Template::Of("python"), Template::Of("use.py")};
  use.args = {Text({"--data=", OutputRef("make", "data")})};
  p.steps = {make, use};
  return p;
}

/// `when` conditions on an output and on a parameter.
inline Pipeline ConditionPipeline() {
  Pipeline p;
  p.name = "conditions";
  p.location = {"test.lua", 1};
  p.params = {MakeParam("threshold", ParamType::kInt, "5")};
  Step flip = CommandStep("flip", 2, "alpine:3.19", {"sh", "-c"});
  flip.args = {Text({"echo heads > ", OutputPathRef("side")})};
  WithOutput(flip, "side");
  Step heads = CommandStep("heads", 3, "alpine:3.19", {"echo", "heads"});
  heads.when =
      Compare(Condition::Op::kEq, Template::Of(OutputRef("flip", "side")), Template::Of("heads"));
  Step big = CommandStep("big", 4, "alpine:3.19", {"echo", "big"});
  Condition both;
  both.op = Condition::Op::kAnd;
  both.operands = {
      Compare(Condition::Op::kGt, Template::Of(ParamRef("threshold")), Template::Of("3"),
              Condition::Compare::kNumber),
      Compare(Condition::Op::kIn, Template::Of(OutputRef("flip", "side")),
              Template::Of("[\"heads\", \"tails\"]"))};
  Condition negated;
  negated.op = Condition::Op::kNot;
  negated.operands = {
      Compare(Condition::Op::kEq, Template::Of(OutputRef("flip", "side")), Template::Of("edge"))};
  Condition all;
  all.op = Condition::Op::kOr;
  all.operands = {both, negated};
  big.when = all;
  p.steps = {flip, heads, big};
  return p;
}

/// Literal items (scalars and maps), items from an output with limited parallelism, and a
/// fan-in of a looped step's output.
inline Pipeline LoopPipeline() {
  Pipeline p;
  p.name = "loops";
  p.location = {"test.lua", 1};
  Step each = CommandStep("each", 2, "alpine:3.19", {"echo"});
  WithArg(each, ItemRef());
  each.loop = Loop{{"1", "2", "3"}, std::nullopt, 0};
  Step fields = CommandStep("fields", 3, "alpine:3.19", {"echo"});
  fields.args = {Text({ItemRef("os"), "/", ItemRef("version")})};
  fields.loop =
      Loop{{R"({"os": "debian", "version": "12"})", R"({"os": "alpine", "version": "3.19"})"},
           std::nullopt,
           0};
  Step list = CommandStep("list", 4, "python:3.11", {"python", "-c"});
  list.args = {
      Text({"import json; print(json.dumps([1, 2, 3]))", " > ", OutputPathRef("numbers")})};
  WithOutput(list, "numbers");
  Step square = CommandStep("square", 5, "python:3.11", {"sh", "-c"});
  square.args = {Text({"expr ", ItemRef(), " \\* ", ItemRef(), " > ", OutputPathRef("squared")})};
  WithOutput(square, "squared");
  square.loop = Loop{{}, OutputRef("list", "numbers"), 2};
  Step sum = CommandStep("sum", 6, "python:3.11", {"echo"});
  WithArg(sum, OutputRef("square", "squared"));
  p.steps = {each, fields, list, square, sum};
  return p;
}

/// An exit handler reading the pipeline's status, a parameter and a step output.
inline Pipeline ExitHandlerPipeline() {
  Pipeline p;
  p.name = "exit-handler";
  p.location = {"test.lua", 1};
  p.params = {MakeParam("channel", ParamType::kString, "#ml")};
  Step train = CommandStep("train", 2, "alpine:3.19", {"sh", "-c"});
  train.args = {Text({"echo 0.9 > ", OutputPathRef("score")})};
  WithOutput(train, "score");
  Step notify = CommandStep("notify", 3, "curlimages/curl:8.5.0", {"echo"});
  notify.args = {Text({"run ", Ref{Ref::Kind::kWorkflowName, {}, {}}, " ", StatusRef(), " to ",
                       ParamRef("channel"), " score ", OutputRef("train", "score")})};
  p.steps = {train};
  p.on_exit = notify;
  return p;
}

/// An exit handler that is a sub-pipeline: the status and a parameter passed in, two inner steps.
inline Pipeline ExitSubPipelinePipeline() {
  auto inner = std::make_shared<Pipeline>();
  inner->name = "notify";
  inner->location = {"notify.lua", 1};
  inner->params = {MakeParam("status"), MakeParam("channel", ParamType::kString, "#ml")};
  Step format = CommandStep("format", 2, "alpine:3.19", {"sh", "-c"});
  format.args = {Text({"echo run ", ParamRef("status"), " > ", OutputPathRef("message")})};
  WithOutput(format, "message");
  format.location.file = "notify.lua";
  Step send = CommandStep("send", 3, "curlimages/curl:8.5.0", {"echo"});
  WithArg(send, OutputRef("format", "message"));
  WithArg(send, ParamRef("channel"));
  send.location.file = "notify.lua";
  inner->steps = {format, send};

  Pipeline p;
  p.name = "exit-sub-pipeline";
  p.location = {"test.lua", 1};
  p.params = {MakeParam("channel", ParamType::kString, "#ops")};
  Step train = CommandStep("train", 2, "alpine:3.19", {"true"});
  p.steps = {train};
  Step notify;
  notify.name = "notify";
  notify.kind = Step::Kind::kPipeline;
  notify.location = {"test.lua", 3};
  notify.pipeline = inner;
  notify.inputs = {{"channel", Template::Of(ParamRef("channel")), {"test.lua", 3}},
                   {"status", Template::Of(StatusRef()), {"test.lua", 3}}};
  p.on_exit = notify;
  return p;
}

/// Retries with backoff, a step deadline, a pipeline deadline and default retry, no caching; a
/// retry without policy (the engine's default applies) and with a backoff finer than a second.
inline Pipeline RetryPipeline() {
  using std::chrono::milliseconds, std::chrono::seconds;
  Pipeline p;
  p.name = "retries";
  p.location = {"test.lua", 1};
  p.timeout_seconds = 7200;
  p.parallelism = 4;
  p.retry = Retry{1, "OnFailure", {}, 2.0, {}};
  Step flaky = CommandStep("flaky", 2, "alpine:3.19", {"sh", "-c", "exit $((RANDOM % 2))"});
  flaky.retry = Retry{3, "OnFailure", seconds(10), 2.0, {}};
  flaky.timeout_seconds = 600;
  flaky.cache = false;
  Step steady = CommandStep("steady", 3, "alpine:3.19", {"true"});
  steady.after = {"flaky"};
  Step patient = CommandStep("patient", 4, "alpine:3.19", {"true"});
  patient.retry = Retry{2, std::nullopt, milliseconds(1500), 3.0, {}};
  p.steps = {flaky, steady, patient};
  return p;
}

/// Every volume kind, mounted into two steps.
inline Pipeline VolumePipeline() {
  Pipeline p;
  p.name = "volumes";
  p.location = {"test.lua", 1};
  Volume nfs;
  nfs.name = "data";
  nfs.kind = Volume::Kind::kExistingClaim;
  nfs.claim = "nfs-data";
  Volume work;
  work.name = "work";
  work.kind = Volume::Kind::kNewClaim;
  work.size = "10Gi";
  work.access_modes = {"ReadWriteOnce"};
  work.storage_class = "standard";
  Volume creds;
  creds.name = "creds";
  creds.kind = Volume::Kind::kSecret;
  creds.secret = "s3-credentials";
  Volume scratch;
  scratch.name = "scratch";
  scratch.kind = Volume::Kind::kEmptyDir;
  p.volumes = {nfs, work, creds, scratch};
  Step write = CommandStep("write", 2, "alpine:3.19", {"sh", "-c", "date > /work/stamp"});
  write.mounts = {{"data", "/data", true, ""},
                  {"work", "/work", false, ""},
                  {"creds", "/etc/creds", true, ""},
                  {"scratch", "/scratch", false, ""}};
  Step read = CommandStep("read", 3, "alpine:3.19", {"cat", "/work/stamp"});
  read.mounts = {{"work", "/work", false, ""}, {"data", "/data/slides", true, "slides"}};
  read.after = {"write"};
  p.steps = {write, read};
  return p;
}

/// Environment values, Kubernetes secrets and Vault placeholders.
inline Pipeline SecretsPipeline() {
  Pipeline p;
  p.name = "secrets";
  p.location = {"test.lua", 1};
  p.vault_path = "secret/data/ml";
  p.service_account = "pipeline-runner";
  p.labels = {{"team", "ml"}};
  p.annotations = {{"owner", "ml-team"}};
  p.params = {MakeParam("bucket", ParamType::kString, "slides")};
  Step upload = CommandStep("upload", 2, "amazon/aws-cli:2.15.0", {"aws", "s3", "ls"});
  EnvVar plain{"BUCKET", Text({"s3://", ParamRef("bucket")}), std::nullopt, std::nullopt, {}};
  EnvVar mode{"MODE", Template::Of("fast"), std::nullopt, std::nullopt, {}};
  EnvVar key{"AWS_SECRET_ACCESS_KEY", {}, SecretKeyRef{"aws", "secret-key"}, std::nullopt, {}};
  EnvVar token{"API_TOKEN", {}, std::nullopt, VaultRef{"secret/data/api", "token"}, {}};
  EnvVar password{"DB_PASSWORD", {}, std::nullopt, VaultRef{"", "password"}, {}};
  upload.env = {plain, mode, key, token, password};
  p.steps = {upload};
  return p;
}

/// A GPU step with requests, limits, a node selector and tolerations.
inline Pipeline GpuPipeline() {
  Pipeline p;
  p.name = "gpu";
  p.location = {"test.lua", 1};
  Step train = CommandStep("train", 2, "nvcr.io/nvidia/pytorch:24.01-py3", {"nvidia-smi"});
  train.resources.cpu_request = "4";
  train.resources.cpu_limit = "8";
  train.resources.memory_request = "16Gi";
  train.resources.memory_limit = "32Gi";
  train.resources.gpu_count = 1;
  train.resources.accelerator_type = "NVIDIA_TESLA_T4";
  train.resources.node_selector = {{"cloud.google.com/gke-accelerator", "nvidia-tesla-t4"}};
  train.resources.tolerations = {{"nvidia.com/gpu", "Exists", "", "NoSchedule", std::nullopt},
                                 {"spot", "Equal", "true", "NoExecute", 300}};
  train.image_pull_policy = "IfNotPresent";
  train.working_dir = "/workspace";
  p.steps = {train};
  return p;
}

/// A reusable sub-pipeline used as a step, fed a parameter and an output, read downstream.
inline Pipeline SubPipelinePipeline() {
  auto inner = std::make_shared<Pipeline>();
  inner->name = "preprocess";
  inner->location = {"inner.lua", 1};
  inner->params = {MakeParam("source", ParamType::kString),
                   MakeParam("size", ParamType::kInt, "256")};
  Step tile = CommandStep("tile", 2, "alpine:3.19", {"sh", "-c"});
  tile.args = {
      Text({"echo ", ParamRef("source"), " ", ParamRef("size"), " > ", OutputPathRef("count")})};
  WithOutput(tile, "count");
  inner->steps = {tile};
  inner->outputs = {{"tiles", Template::Of(OutputRef("tile", "count"))}};

  Pipeline p;
  p.name = "outer";
  p.location = {"test.lua", 1};
  p.params = {MakeParam("slide", ParamType::kString, "a.svs")};
  Step fetch = CommandStep("fetch", 2, "alpine:3.19", {"sh", "-c"});
  fetch.args = {Text({"echo /data/", ParamRef("slide"), " > ", OutputPathRef("path")})};
  WithOutput(fetch, "path");
  Step pre;
  pre.name = "pre";
  pre.kind = Step::Kind::kPipeline;
  pre.location = {"test.lua", 3};
  pre.pipeline = inner;
  pre.inputs = {{"source", Template::Of(OutputRef("fetch", "path")), {"test.lua", 3}},
                {"size", Template::Of("512"), {"test.lua", 3}}};
  WithOutput(pre, "tiles");
  Step report = CommandStep("report", 4, "alpine:3.19", {"echo"});
  WithArg(report, OutputRef("pre", "tiles"));
  p.steps = {fetch, pre, report};
  return p;
}

/// A sub-pipeline whose outputs are an artifact and a parameter of its steps, read downstream:
/// the artifact stays an artifact (the step declares its outputs as parameters, as the DSL does;
/// their kinds come from the sub-pipeline).
inline Pipeline SubPipelineArtifactPipeline() {
  auto inner = std::make_shared<Pipeline>();
  inner->name = "package";
  inner->location = {"inner.lua", 1};
  Step zip = CommandStep("zip", 2, "alpine:3.19", {"sh", "-c"});
  zip.args = {
      Text({"echo data > ", OutputPathRef("archive"), " && echo 1 > ", OutputPathRef("count")})};
  WithOutput(zip, "archive", ValueKind::kArtifact);
  WithOutput(zip, "count");
  inner->steps = {zip};
  inner->outputs = {{"file", Template::Of(OutputRef("zip", "archive"))},
                    {"files", Template::Of(OutputRef("zip", "count"))}};

  Pipeline p;
  p.name = "sub-artifact";
  p.location = {"test.lua", 1};
  Step pack;
  pack.name = "pack";
  pack.kind = Step::Kind::kPipeline;
  pack.location = {"test.lua", 2};
  pack.pipeline = inner;
  WithOutput(pack, "file");
  WithOutput(pack, "files");
  Step upload = CommandStep("upload", 3, "alpine:3.19", {"cp"});
  WithArg(upload, OutputRef("pack", "file"));
  WithArg(upload, OutputRef("pack", "files"));
  p.steps = {pack, upload};
  return p;
}

/// A native step and a Lua function step, run in the ctp image.
inline Pipeline NativeLuaPipeline() {
  Pipeline p;
  p.name = "native-lua";
  p.location = {"test.lua", 1};
  p.ctp_image = "ghcr.io/ctp/ctp:0.1.0";
  p.params = {MakeParam("tile_size", ParamType::kInt, "256")};
  Step tile;
  tile.name = "tile";
  tile.kind = Step::Kind::kNative;
  tile.native = "tile";
  tile.location = {"test.lua", 2};
  tile.inputs = {{"size", Template::Of(ParamRef("tile_size")), {"test.lua", 2}},
                 {"slide", Template::Of("/data/a.svs"), {"test.lua", 2}}};
  WithOutput(tile, "count");
  Step check;
  check.name = "check";
  check.kind = Step::Kind::kLua;
  check.location = {"test.lua", 3};
  check.lua_source = "return function(inputs) return {ok = tonumber(inputs.n) > 0} end";
  check.inputs = {{"n", Template::Of(OutputRef("tile", "count")), {"test.lua", 3}}};
  WithOutput(check, "ok");
  p.steps = {tile, check};
  return p;
}

/// A call of a loaded component that echoes `text` (`sh -c 'echo "$0"' TEXT`, TEXT the
/// component's input `text`, as ctp.load_component records it).
inline Step PrintTextCall(std::string name, int line, const char* text) {
  Step print = CommandStep(std::move(name), line, "alpine:3.19", {"sh", "-c", "echo \"$0\"", text});
  print.component = "print-text";
  print.component_arguments = {{false, 3, "text"}};
  return print;
}

/// A call of native step `tile` on `slide` at the parameter tile_size.
inline Step TileCall(std::string name, int line, const char* slide) {
  Step tile;
  tile.name = std::move(name);
  tile.kind = Step::Kind::kNative;
  tile.native = "tile";
  tile.location = {"test.lua", line};
  tile.inputs = {{"size", Template::Of(ParamRef("tile_size")), {"test.lua", line}},
                 {"slide", Template::Of(slide), {"test.lua", line}}};
  WithOutput(tile, "count");
  return tile;
}

/// Three calls of one loaded component and two of one native step: one template (component)
/// per definition, the literal each call gives passed as a task argument.
inline Pipeline ReusePipeline() {
  Pipeline p;
  p.name = "reuse";
  p.location = {"test.lua", 1};
  p.ctp_image = "ghcr.io/ctp/ctp:0.1.0";
  p.params = {MakeParam("tile_size", ParamType::kInt, "256")};
  p.steps = {PrintTextCall("print-text", 2, "1st"), PrintTextCall("print-text-2", 3, "2nd"),
             PrintTextCall("print-text-3", 4, "3rd"), TileCall("tile-a", 5, "/data/a.svs"),
             TileCall("tile-b", 6, "/data/b.svs")};
  p.steps[1].after = {"print-text"};
  p.steps[2].after = {"print-text-2"};
  return p;
}

/// Script steps: Python source that reads a parameter (in the text and through env) and writes an
/// output file, and a shell script that reads that output.
inline Pipeline ScriptPipeline() {
  Pipeline p;
  p.name = "scripts";
  p.location = {"test.lua", 1};
  p.params = {MakeParam("n", ParamType::kInt, "3")};
  Step square = CommandStep("square", 2, "python:3.12", {"python3", "-u"});
  square.source = Text({"import os\nn = int(\"", ParamRef("n"), "\")\nprint(os.environ[\"GREETING\"])\n"
                        "with open(\"", OutputPathRef("total"), "\", \"w\") as f:\n"
                        "    f.write(str(sum(i * i for i in range(n))))\n"});
  square.env = {EnvVar{"GREETING", Template::Of("hello"), std::nullopt, std::nullopt, {"test.lua", 2}}};
  WithOutput(square, "total");
  Step show = CommandStep("show", 8, "alpine:3.19", {"sh"});
  show.source = Text({"echo \"total: ", OutputRef("square", "total"), "\"\n"});
  p.steps = {square, show};
  return p;
}

/// A step that reads another's result (what it printed): Argo only.
inline Pipeline ResultPipeline() {
  Pipeline p;
  p.name = "result";
  p.location = {"test.lua", 1};
  Step pick = CommandStep("pick", 2, "python:3.12", {"python3"});
  pick.source = Template::Of("import random\nprint(random.randint(1, 100))\n");
  Output result;
  result.name = kResultOutput;
  result.from_stdout = true;
  result.location = {"test.lua", 5};
  pick.outputs.push_back(result);
  Step say = CommandStep("say", 5, "alpine:3.19", {"echo"});
  WithArg(say, OutputRef("pick", kResultOutput));
  Step twice = CommandStep("twice", 6, "alpine:3.19", {"echo"});
  WithArg(twice, OutputRef("pick", kResultOutput));
  twice.when = Compare(Condition::Op::kGt, Template::Of(OutputRef("pick", kResultOutput)),
                       Template::Of("50"), Condition::Compare::kNumber);
  p.steps = {pick, say, twice};
  return p;
}

/// A pipeline with a schedule, for CronWorkflows.
inline Pipeline ScheduledPipeline(std::vector<std::string> cron = {"0 2 * * *"}) {
  Pipeline p;
  p.name = "nightly";
  p.location = {"test.lua", 1};
  p.params = {MakeParam("day", ParamType::kString, "today")};
  Step run = CommandStep("run", 2, "alpine:3.19", {"echo"});
  WithArg(run, ParamRef("day"));
  p.steps = {run};
  Schedule schedule;
  schedule.cron = std::move(cron);
  schedule.timezone = "Europe/Paris";
  schedule.starting_deadline_seconds = 60;
  schedule.location = {"test.lua", 9};
  p.schedule = schedule;
  return p;
}

/// Every sample, named, for the determinism and conformance tests.
inline std::vector<std::pair<std::string, Pipeline>> AllSamplePipelines() {
  return {{"params", ParamsPipeline()},
          {"artifacts", ArtifactsPipeline()},
          {"conditions", ConditionPipeline()},
          {"loops", LoopPipeline()},
          {"exit-handler", ExitHandlerPipeline()},
          {"exit-sub-pipeline", ExitSubPipelinePipeline()},
          {"retries", RetryPipeline()},
          {"volumes", VolumePipeline()},
          {"secrets", SecretsPipeline()},
          {"gpu", GpuPipeline()},
          {"sub-pipeline", SubPipelinePipeline()},
          {"sub-pipeline-artifact", SubPipelineArtifactPipeline()},
          {"native-lua", NativeLuaPipeline()},
          {"reuse", ReusePipeline()},
          {"scripts", ScriptPipeline()},
          {"nightly", ScheduledPipeline()}};
}

}  // namespace ctp::testing
