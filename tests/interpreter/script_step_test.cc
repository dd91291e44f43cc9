// ctp.script and step.result as the reader puts them into the model.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "ctp/emit/emit.h"
#include "ctp/interpreter/script.h"
#include "ctp/model/dag.h"
#include "ctp/model/diagnostic.h"
#include "pipeline_builder.h"
#include "test_paths.h"
#include "validators.h"

using namespace ctp;
using namespace ctp::testing;

TEST_CASE("ctp.script is a container step with its source; references in it make dependencies") {
  const Pipeline p = LoadPipeline(SourcePath("tests/interpreter/scripts/script_steps.lua"));
  REQUIRE(p.steps.size() == 2);
  const Step& square = p.steps[0];
  CHECK(square.kind == Step::Kind::kContainer);
  CHECK(square.IsScript());
  CHECK(square.command == std::vector<Template>{Template::Of("python3"), Template::Of("-u")});
  CHECK(square.args.empty());
  CHECK(square.source == Text({"import os\nn = int(os.environ[\"N\"])\nwith open(\"",
                               OutputPathRef("total"),
                               "\", \"w\") as f:\n    f.write(str(sum(i * i for i in range(n))))\n"}));
  const Step& show = p.steps[1];
  CHECK(show.source == Text({"echo 'n=", ParamRef("n"), " total=", OutputRef("square", "total"),
                             "'\n"}));
  CHECK(Dag::Build(p).Upstream("show") == std::vector<std::string>{"square"});
}

TEST_CASE("step.result declares the step's result output where it was first read") {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("ctp_result_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::filesystem::path script = dir / "result.lua";
  std::ofstream(script) << R"lua(local ctp = require "ctp"
local pick = ctp.container { name = "pick", image = "alpine:3.19", command = { "sh", "-c", "echo 7" } }
local say = ctp.container { name = "say", image = "alpine:3.19",
  command = { "echo", pick.result, pick.outputs.result } }
local twice = ctp.container { name = "twice", image = "alpine:3.19", command = { "echo", pick.result } }
return ctp.pipeline { name = "result", steps = { pick, say, twice } }
)lua";
  const Pipeline p = LoadPipeline(script.string());
  std::filesystem::remove_all(dir);
  REQUIRE(p.steps[0].outputs.size() == 1);
  const Output& result = p.steps[0].outputs[0];
  CHECK(result.name == "result");
  CHECK(result.from_stdout);
  CHECK(result.kind == ValueKind::kParameter);
  CHECK(result.location.line == 4);  // the first read, not the step's declaration
  CHECK(p.steps[0].StdoutOutput("result") == &result);
  CHECK(p.steps[1].command[1] == Template::Of(OutputRef("pick", "result")));
  CHECK(p.steps[1].command[2] == Template::Of(OutputRef("pick", "result")));
  CHECK(Dag::Build(p).Upstream("twice") == std::vector<std::string>{"pick"});
}

TEST_CASE("a script step's Argo and KFP YAML passes the shared validators") {
  const Pipeline p = LoadPipeline(SourcePath("tests/interpreter/scripts/script_steps.lua"));
  TempDir dir("script_steps");
  CheckArgoValid(dir, dir.Write("script.argo.yaml", EmitArgo(p)));
  CheckKfpValid(dir, dir.Write("script.kfp.yaml", EmitKfp(p)));
}
