// Sub-pipeline steps under `ctp run`: their pipeline's steps run as steps of the run, named
// `pack.zip` (`sweep[2].train` in loops, as Argo names the nodes), with the caching, resume,
// conditions and run store of every step; their outputs flow to the calling pipeline.
#include <doctest/doctest.h>

#include <algorithm>

#include "ctp/model/diagnostic.h"
#include "run_ctp.h"
#include "runner_support.h"

namespace ctp::testing {
namespace {

namespace fs = std::filesystem;

/// The names of the run's step records, in the store's order.
std::vector<std::string> RecordNames(const Ran& ran) {
  std::vector<std::string> names;
  for (const StepRecord& step : ran.result.steps) names.push_back(step.step);
  std::sort(names.begin(), names.end());
  return names;
}

// `pack` zips (a container step) then counts (a Lua step); `upload` reads both outputs.
const char* kPack = R"(
local ctp = require "ctp"
local pp = ctp.params { label = ctp.string {}, suffix = ctp.string { default = "!" } }
local zip = ctp.container { name = "zip", image = "x", command = { "sh", "-c",
  "printf '%s' " .. pp.label .. pp.suffix .. " > " .. ctp.output_path "archive" },
  outputs = { archive = { kind = "artifact" } } }
local count = ctp.lua { name = "count", inputs = { archive = zip.outputs.archive }, outputs = { "n" },
  fn = function(i) local f = io.open(i.archive) local n = #f:read("a") f:close() return { n = n } end }
local inner = ctp.pipeline { name = "pack", params = pp, steps = { zip, count },
  outputs = { file = zip.outputs.archive, size = count.outputs.n } }

local p = ctp.params { who = ctp.string { default = "data" } }
local pack = ctp.sub_pipeline { name = "pack", pipeline = inner, params = { label = p.who } }
local upload = ctp.container { name = "upload", image = "x", command = { "sh", "-c",
  "cat " .. pack.outputs.file .. " > " .. ctp.output_path "copy" .. "; echo " .. pack.outputs.size },
  outputs = { "copy" } }
return ctp.pipeline { name = "sub", params = p, steps = { pack, upload } }
)";

TEST_CASE("a sub-pipeline step runs its steps; its outputs flow to later steps") {
  ScratchDir dir;
  Ran ran = RunIn(Script(kPack), dir.path());
  INFO(ran.out);
  REQUIRE(ran.result.status == RunStatus::kSucceeded);
  CHECK(RecordNames(ran) ==
        std::vector<std::string>{"pack", "pack.count", "pack.zip", "upload"});
  const fs::path run = dir.path() / "runs" / ran.result.run_id;
  // The default of `suffix` applies; `label` is the step's parameter.
  CHECK(FileText(run / "pack/zip/outputs/archive") == "data!");
  CHECK(ran.Step("pack.count").outputs.at("n") == "5");
  CHECK(ran.Step("pack").outputs.at("size") == "5");
  CHECK(ran.Step("pack").outputs.at("file") == (run / "pack/zip/outputs/archive").string());
  CHECK(FileText(run / "upload/outputs/copy") == "data!");
  CHECK(FileText(run / "upload/log.txt") == "5\n");
  CHECK(ran.out.find("pack.zip succeeded") != std::string::npos);

  SUBCASE("a second run is all cache hits") {
    Ran again = RunIn(Script(kPack), dir.path());
    REQUIRE(again.result.status == RunStatus::kSucceeded);
    CHECK(again.Step("pack.zip").cache_hit);
    CHECK(again.Step("pack.count").cache_hit);
    CHECK(again.Step("upload").cache_hit);
    Ran other = RunIn(Script(kPack, {"who=more"}), dir.path());
    CHECK_FALSE(other.Step("pack.zip").cache_hit);
    CHECK(other.Step("upload").outputs.at("copy").empty() == false);
  }

  SUBCASE("--dry-run lists the sub-pipeline's steps with the values passed in") {
    RunOptions options;
    options.lua_steps = RunLuaStep;
    const std::string plan = DescribePlan(Script(kPack), options);
    CHECK(plan.find("  pack (pipeline)\n    label = data\n  pack.zip (container)\n"
                    "    $ sh -c printf '%s' data! > {{outputs/archive}}\n"
                    "  pack.count (lua)\n    archive = {{pack.zip.archive}}\n") !=
          std::string::npos);
  }
}

// A train-and-evaluate sweep: a loop over a two-step sub-pipeline; `best` reads the results.
const char* kSweep = R"(
local ctp = require "ctp"
local tp = ctp.params { lr = ctp.string {}, log = ctp.string {} }
local train = ctp.container { name = "train", image = "x", command = { "sh", "-c",
  "echo train " .. tp.lr .. " >> " .. tp.log .. "; echo model-" .. tp.lr .. " > " .. ctp.output_path "model" },
  outputs = { "model" } }
local evaluate = ctp.container { name = "evaluate", image = "x", command = { "sh", "-c",
  "echo evaluate " .. train.outputs.model .. " >> " .. tp.log .. "; echo " .. train.outputs.model ..
  " > " .. ctp.output_path "score" }, outputs = { "score" } }
local te = ctp.pipeline { name = "train-evaluate", params = tp, steps = { train, evaluate },
  outputs = { score = evaluate.outputs.score } }

local p = ctp.params { log = ctp.string {} }
local sweep = ctp.sub_pipeline { name = "sweep", pipeline = te, for_each = { "0.1", "0.01", "0.001" },
  params = { lr = ctp.item, log = p.log } }
local best = ctp.lua { name = "best", inputs = { scores = sweep.outputs.score }, outputs = { "all" },
  fn = function(i) return { all = i.scores } end }
return ctp.pipeline { name = "sweep", params = p, steps = { sweep, best } }
)";

TEST_CASE("a loop over a two-step sub-pipeline runs both steps per item, in order") {
  ScratchDir dir;
  const std::string log = dir / "log";
  Ran ran = RunIn(Script(kSweep, {"log=" + log}), dir.path() / "work");
  INFO(ran.out);
  REQUIRE(ran.result.status == RunStatus::kSucceeded);
  const std::string text = FileText(log);
  for (const std::string lr : {"0.1", "0.01", "0.001"}) {
    const std::size_t trained = text.find("train " + lr + "\n");
    const std::size_t evaluated = text.find("evaluate model-" + lr + "\n");
    REQUIRE(trained != std::string::npos);
    REQUIRE(evaluated != std::string::npos);
    CHECK(trained < evaluated);
  }
  CHECK(RecordNames(ran) ==
        std::vector<std::string>{"best", "sweep", "sweep[0]", "sweep[0].evaluate",
                                 "sweep[0].train", "sweep[1]", "sweep[1].evaluate",
                                 "sweep[1].train", "sweep[2]", "sweep[2].evaluate",
                                 "sweep[2].train"});
  CHECK(ran.Step("sweep").outputs.at("score") == R"(["model-0.1","model-0.01","model-0.001"])");
  CHECK(ran.Step("best").outputs.at("all") == R"(["model-0.1","model-0.01","model-0.001"])");
  const fs::path run = dir.path() / "work/runs" / ran.result.run_id;
  CHECK(FileText(run / "sweep/2/train/outputs/model") == "model-0.001\n");
}

const char* kNested = R"(
local ctp = require "ctp"
local ip = ctp.params { word = ctp.string {} }
local shout = ctp.lua { name = "shout", inputs = { w = ip.word }, outputs = { "w" },
  fn = function(i) return { w = i.w:upper() } end }
local innermost = ctp.pipeline { name = "innermost", params = ip, steps = { shout },
  outputs = { w = shout.outputs.w } }
local mp = ctp.params { word = ctp.string {} }
local deeper = ctp.sub_pipeline { name = "deeper", pipeline = innermost, params = { word = mp.word .. "!" } }
local middle = ctp.pipeline { name = "middle", params = mp, steps = { deeper },
  outputs = { w = deeper.outputs.w } }
local outer = ctp.sub_pipeline { name = "outer", pipeline = middle, params = { word = "hi" } }
local show = ctp.lua { name = "show", inputs = { w = outer.outputs.w }, outputs = { "w" },
  fn = function(i) return { w = i.w } end }
return ctp.pipeline { name = "nested", steps = { outer, show } }
)";

TEST_CASE("a sub-pipeline inside a sub-pipeline") {
  ScratchDir dir;
  Ran ran = RunIn(Script(kNested), dir.path());
  INFO(ran.out);
  REQUIRE(ran.result.status == RunStatus::kSucceeded);
  CHECK(ran.Step("outer.deeper.shout").outputs.at("w") == "HI!");
  CHECK(ran.Step("show").outputs.at("w") == "HI!");
  CHECK(fs::is_directory(dir.path() / "runs" / ran.result.run_id / "outer/deeper/shout/outputs"));
}

// `check` fails until the file `ok` exists in the folder given; `prepare` counts its runs.
const char* kFlaky = R"(
local ctp = require "ctp"
local fp = ctp.params { dir = ctp.string {} }
local prepare = ctp.container { name = "prepare", image = "x", command = { "sh", "-c",
  "echo run >> " .. fp.dir .. "/prepare_runs; echo 7 > " .. ctp.output_path "n" }, outputs = { "n" } }
local check = ctp.container { name = "check", image = "x", command = { "sh", "-c",
  "test -e " .. fp.dir .. "/ok && echo " .. prepare.outputs.n .. " > " .. ctp.output_path "n" },
  outputs = { "n" } }
local inner = ctp.pipeline { name = "flaky", params = fp, steps = { prepare, check },
  outputs = { n = check.outputs.n } }
local p = ctp.params { dir = ctp.string {} }
local work = ctp.sub_pipeline { name = "work", pipeline = inner, params = { dir = p.dir } }
local after = ctp.lua { name = "after", inputs = { n = work.outputs.n }, outputs = { "n" },
  fn = function(i) return { n = i.n } end }
return ctp.pipeline { name = "flaky", params = p, steps = { work, after } }
)";

TEST_CASE("--resume after a failure inside a sub-pipeline reruns only the failed step") {
  ScratchDir dir;
  const std::string d = "dir=" + dir.path().string();
  const fs::path work = dir.path() / "work";
  Ran failed = RunIn(Script(kFlaky, {d}), work);
  REQUIRE(failed.result.status == RunStatus::kFailed);
  CHECK(failed.Step("work.check").status == RunStatus::kFailed);
  CHECK(failed.Step("work").status == RunStatus::kFailed);
  CHECK(failed.Step("work").message == "step 'work.check' did not succeed");
  CHECK(failed.Step("after").status == RunStatus::kOmitted);
  CHECK(failed.Step("after").message == "upstream step 'work' did not succeed");

  std::ofstream(dir.path() / "ok") << "";
  Ran resumed = RunIn(Script(kFlaky, {d}), work, [&](RunOptions& o) {
    o.resume = failed.result.run_id;
    o.use_cache = false;
  });
  INFO(resumed.out);
  REQUIRE(resumed.result.status == RunStatus::kSucceeded);
  CHECK(resumed.out.find("work.prepare kept: succeeded in the resumed run") != std::string::npos);
  CHECK(FileText(dir.path() / "prepare_runs") == "run\n");
  CHECK(resumed.Step("work.check").outputs.at("n") == "7");
  CHECK(resumed.Step("after").outputs.at("n") == "7");
}

const char* kConditional = R"(
local ctp = require "ctp"
local cp = ctp.params { mode = ctp.string {} }
local always = ctp.lua { name = "always", outputs = { "v" }, fn = function() return { v = "a" } end }
local full = ctp.lua { name = "full", when = cp.mode:eq("full"), outputs = { "v" },
  fn = function() return { v = "f" } end }
local inner = ctp.pipeline { name = "maybe", params = cp, steps = { always, full },
  outputs = { v = always.outputs.v } }
local quick = ctp.sub_pipeline { name = "quick", pipeline = inner, params = { mode = "quick" } }
local thorough = ctp.sub_pipeline { name = "thorough", pipeline = inner, params = { mode = "full" } }
return ctp.pipeline { name = "conditional", steps = { quick, thorough } }
)";

TEST_CASE("a condition inside a sub-pipeline reads the sub-pipeline's parameters") {
  ScratchDir dir;
  Ran ran = RunIn(Script(kConditional), dir.path());
  INFO(ran.out);
  REQUIRE(ran.result.status == RunStatus::kSucceeded);
  CHECK(ran.Step("quick.full").status == RunStatus::kSkipped);
  CHECK(ran.Step("quick.full").message == "its condition is false");
  CHECK(ran.Step("thorough.full").status == RunStatus::kSucceeded);
  CHECK(ran.Step("quick").status == RunStatus::kSucceeded);
  CHECK(ran.Step("quick").outputs.at("v") == "a");
}

TEST_CASE("a pipeline output naming a skipped step fails the sub-pipeline step") {
  const std::string source = std::string(kConditional)
                                 .replace(std::string(kConditional).find("always.outputs.v }"),
                                          std::string("always.outputs.v }").size(),
                                          "full.outputs.v }");
  ScratchDir dir;
  Ran ran = RunIn(Script(source), dir.path());
  CHECK(ran.result.status == RunStatus::kFailed);
  CHECK(ran.Step("quick").message ==
        "output 'v' of pipeline 'maybe' reads step 'quick.full', which was skipped");
  CHECK(ran.Step("thorough").status == RunStatus::kSucceeded);
}

const char* kExitHandler = R"(
local ctp = require "ctp"
local np = ctp.params { status = ctp.string {}, out = ctp.string {} }
local send = ctp.container { name = "send", image = "x", command = { "sh", "-c",
  "echo " .. np.status .. " >> " .. np.out } }
local notify = ctp.pipeline { name = "notify", params = np, steps = { send } }
local p = ctp.params { out = ctp.string {}, program = ctp.string { default = "true" } }
local train = ctp.container { name = "train", image = "x", command = { p.program } }
return ctp.pipeline { name = "exit-sub", params = p, steps = { train },
  on_exit = ctp.sub_pipeline { name = "report", pipeline = notify,
                               params = { status = ctp.workflow.status, out = p.out } } }
)";

TEST_CASE("a sub-pipeline exit handler runs after the run with its status, never cached") {
  ScratchDir dir;
  const std::string out = "out=" + dir / "status";
  Ran ok = RunIn(Script(kExitHandler, {out}), dir.path() / "work");
  INFO(ok.out);
  REQUIRE(ok.result.status == RunStatus::kSucceeded);
  CHECK(ok.Step("report.send").status == RunStatus::kSucceeded);
  Ran failed = RunIn(Script(kExitHandler, {out, "program=false"}), dir.path() / "work");
  CHECK(failed.result.status == RunStatus::kFailed);
  Ran again = RunIn(Script(kExitHandler, {out}), dir.path() / "work");
  CHECK_FALSE(again.Step("report.send").cache_hit);
  CHECK(FileText(dir.path() / "status") == "Succeeded\nFailed\nSucceeded\n");
}

TEST_CASE("ctp run refuses a sub-pipeline it cannot run, before anything runs") {
  ScratchDir dir;
  SUBCASE("a sub-pipeline with its own exit handler") {
    const char* source = R"(
local ctp = require "ctp"
local a = ctp.container { name = "a", image = "x", command = { "true" } }
local bye = ctp.container { name = "bye", image = "x", command = { "true" } }
local inner = ctp.pipeline { name = "inner", steps = { a }, on_exit = bye }
return ctp.pipeline { name = "outer", steps = { ctp.sub_pipeline { name = "s", pipeline = inner } } }
)";
    CHECK_THROWS_WITH_AS(RunIn(Script(source), dir.path()),
                         "test.lua:6: error: sub-pipeline step 's' runs pipeline 'inner', which "
                         "has its own exit handler 'bye' (test.lua:4): ctp run, like a cluster, "
                         "runs only the exit handler of the pipeline it runs (declare it there)",
                         Error);
  }
  SUBCASE("a step of a sub-pipeline whose program is not installed") {
    const char* source = R"(
local ctp = require "ctp"
local a = ctp.container { name = "a", image = "x", command = { "no-such-program-xyz" } }
local inner = ctp.pipeline { name = "inner", steps = { a } }
return ctp.pipeline { name = "outer", steps = { ctp.sub_pipeline { name = "s", pipeline = inner } } }
)";
    CHECK_THROWS_WITH_AS(RunIn(Script(source), dir.path()),
                         "test.lua:3: error: container step 'a': command 'no-such-program-xyz' is "
                         "not on PATH",
                         Error);
  }
  SUBCASE("an artifact as a sub-pipeline's parameter, which the emitters refuse too") {
    const char* source = R"(
local ctp = require "ctp"
local ip = ctp.params { data = ctp.string {} }
local use = ctp.container { name = "use", image = "x", command = { "cat", ip.data } }
local inner = ctp.pipeline { name = "inner", params = ip, steps = { use } }
local make = ctp.container { name = "make", image = "x", command = { "true" },
  outputs = { file = { kind = "artifact" } } }
return ctp.pipeline { name = "outer", steps = { make,
  ctp.sub_pipeline { name = "s", pipeline = inner, params = { data = make.outputs.file } } } }
)";
    CHECK_THROWS_WITH_AS(RunIn(Script(source), dir.path()),
                         "test.lua:9: error: sub-pipeline step 's' gets artifact 'file' of step "
                         "'make' as input 'data': sub-pipeline inputs are parameters",
                         Error);
  }
  SUBCASE("--only or --from naming a step inside a sub-pipeline") {
    CHECK_THROWS_WITH_AS(RunIn(Script(kPack), dir.path(), [](RunOptions& o) { o.only = "pack.zip"; }),
                         "--only pack.zip: 'pack.zip' is a step inside sub-pipeline step "
                         "'pack', which runs as a whole (--only pack)",
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(RunIn(Script(kPack), dir.path(), [](RunOptions& o) { o.from = "pack.count"; }),
                         "--from pack.count: 'pack.count' is a step inside sub-pipeline step "
                         "'pack', which runs as a whole (--from pack)",
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(RunIn(Script(kPack), dir.path(), [](RunOptions& o) { o.only = "uplod"; }),
                         "--only uplod: pipeline 'sub' has no step 'uplod' (did you mean "
                         "'upload'?)",
                         std::invalid_argument);
  }
  CHECK_FALSE(fs::exists(dir.path() / "runs"));
}

TEST_CASE("every example script with a sub-pipeline runs under ctp run") {
  std::vector<std::string> scripts;
  for (const auto& entry : fs::directory_iterator(SourcePath("scripts")))
    if (entry.path().extension() == ".lua" &&
        FileText(entry.path()).find("ctp.sub_pipeline") != std::string::npos)
      scripts.push_back("scripts/" + entry.path().filename().string());
  std::sort(scripts.begin(), scripts.end());
  CHECK(std::find(scripts.begin(), scripts.end(), "scripts/sweep.lua") != scripts.end());
  for (const std::string& script : scripts) {
    CAPTURE(script);
    ScratchDir dir;
    CommandResult r = RunCtp("run " + script + " --plain --workdir '" + dir.path().string() + "'");
    INFO(r.out, r.err);
    CHECK(r.exit_code == 0);
    if (script != "scripts/sweep.lua") continue;
    CHECK(r.out.find("sweep[2].evaluate succeeded") != std::string::npos);
    std::vector<std::string> runs;
    for (const auto& entry : fs::directory_iterator(dir.path() / "runs"))
      runs.push_back(entry.path().filename().string());
    REQUIRE(runs.size() == 1);
    CHECK(FileText(dir.path() / "runs" / runs[0] / "sweep/0/train/outputs/model") ==
          "lr=0.1 epochs=3\n");
    CHECK(FileText(dir.path() / "runs" / runs[0] / "best/log.txt") ==
          "best score 1.0\nreturned 1 output\n");
  }
}

}  // namespace
}  // namespace ctp::testing
