// `ctp` with KFP components: a bad component spec is exit code 1 with the same diagnostic the
// library gives (and no partial output), a good one emits.
#include <doctest/doctest.h>

#include "run_ctp.h"

using namespace ctp::testing;

TEST_CASE("ctp emit refuses a bad component spec and writes nothing") {
  TempDir dir("cli_component");
  const std::string out = (dir.path / "workflow.yaml").string();
  CommandResult bad =
      RunCtp("emit tests/interpreter/bad_scripts/component_yaml_syntax.lua -o '" + out + "'");
  CHECK(bad.exit_code == 1);
  CHECK(bad.out == "");
  CHECK(bad.err == ReadText(SourcePath("tests/interpreter/bad_scripts/component_yaml_syntax.err")));
  CHECK_FALSE(std::filesystem::exists(out));

  CommandResult good = RunCtp("emit tests/interpreter/kfp_components/pipeline.lua --format kfp");
  CHECK(good.exit_code == 0);
  CHECK(good.err == "");
  CHECK(good.out.find("image: python:3.11-slim") != std::string::npos);
}
