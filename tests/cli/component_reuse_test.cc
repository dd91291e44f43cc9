// `ctp` with one KFP component called several times: `ctp emit` writes one shared Argo template /
// KFP component with each call's value as a task argument (goldens), both documents pass the
// validators, and `ctp run` still gives each call its own value.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "run_ctp.h"

using namespace ctp::testing;

namespace {

const std::string kScript = "tests/cli/component_reuse/pipeline.lua";

// The only folder in `dir`.
std::filesystem::path OnlyEntry(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> entries;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) entries.push_back(entry.path());
  REQUIRE(entries.size() == 1);
  return entries[0];
}

}  // namespace

TEST_CASE("ctp emit writes one template for three calls of a component, values as arguments") {
  TempDir dir("cli_component_reuse");
  CommandResult argo = RunCtp("emit " + kScript);
  CHECK(argo.exit_code == 0);
  CHECK(argo.err == "");
  CheckGolden(argo.out, SourcePath("tests/cli/component_reuse/pipeline.argo.yaml"));
  CommandResult kfp = RunCtp("emit " + kScript + " --format kfp");
  CHECK(kfp.exit_code == 0);
  CHECK(kfp.err == "");
  CheckGolden(kfp.out, SourcePath("tests/cli/component_reuse/pipeline.kfp.yaml"));
  CheckArgoValid(dir, dir.Write("workflow.yaml", argo.out));
  CheckKfpValid(dir, dir.Write("pipeline.yaml", kfp.out));
}

TEST_CASE("ctp run of three calls of a component gives each call its own value") {
  TempDir dir("cli_component_reuse_run");
  const std::filesystem::path workdir = dir.path / "work";
  CommandResult run = RunCtp("run " + kScript + " --plain --workdir '" + workdir.string() + "'");
  INFO(run.out, run.err);
  REQUIRE(run.exit_code == 0);
  const std::filesystem::path steps = OnlyEntry(workdir / "runs");
  CHECK(ReadText((steps / "say-a/outputs/said").string()) == "alpha");
  CHECK(ReadText((steps / "say-b/outputs/said").string()) == "beta two");
  CHECK(ReadText((steps / "say-c/outputs/said").string()) == "gamma");
  CHECK(ReadText((steps / "say-again/outputs/said").string()) == "alpha");
}

TEST_CASE("args a script sets on a component's step are not the component's inputs") {
  TempDir dir("cli_component_reuse_args");
  const std::string script = dir.Write("pipeline.lua", R"(local ctp = require "ctp"
local say = ctp.load_component ")" + SourcePath("tests/cli/component_reuse/component.yaml") +
                                                          R"("
local a = say { name = "say-a", message = "alpha" }
local b = say { name = "say-b", message = "beta" }
b.args = { "gamma", ctp.output_path "said" }
return ctp.pipeline { name = "reassigned", steps = { a, b } }
)");
  CommandResult argo = RunCtp("emit" + script);
  INFO(argo.err);
  REQUIRE(argo.exit_code == 0);
  // Element 1 of b's args is no longer its message: b runs its own template, with gamma inline.
  CHECK(argo.out.find("template: say-b\n") != std::string::npos);
  CHECK(argo.out.find("- name: message") == std::string::npos);
  CHECK(argo.out.find("- gamma\n") != std::string::npos);
}
