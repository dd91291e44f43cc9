#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "ctp/native/builtin_steps.h"
#include "ctp/step/step_registry.h"
#include "golden.h"
#include "validators.h"

namespace {

// Runs deploy with a candidate and returns its outputs (promoted, reason, deployed).
std::map<std::string, std::string> Deploy(const ctp::testing::TempDir& dir, const std::string& checkpoint,
                                          const std::string& value) {
  ctp::StepRegistry registry;
  ctp::RegisterBuiltinSteps(registry);
  ctp::StepContext context;
  context.args = {{"config", (dir.path / "model-deploy-config.json").string()},
                  {"checkpoint", checkpoint},
                  {"value", value},
                  {"metric", "accuracy"},
                  {"min_improvement", "0"}};
  context.output_dir = dir.path / "out";
  ctp::RunNativeStep(*registry.Find("deploy"), context);
  std::map<std::string, std::string> outputs;
  for (const char* name : {"promoted", "reason", "deployed"})
    outputs[name] = ctp::testing::ReadText((context.output_dir / name).string());
  return outputs;
}

}  // namespace

TEST_CASE("deploy promotes the first model, then only better ones, and says why") {
  ctp::testing::TempDir dir("deploy");
  auto first = Deploy(dir, "model-checkpoint/20261101-020000", "0.81");
  CHECK(first["promoted"] == "true");
  CHECK(first["reason"] ==
        "no model deployed yet: promoting model-checkpoint/20261101-020000 (accuracy 0.8100)");

  auto worse = Deploy(dir, "model-checkpoint/20261102-020000", "0.79");
  CHECK(worse["promoted"] == "false");
  CHECK(worse["reason"] == "accuracy 0.7900 does not beat the deployed 0.8100 "
                           "(model-checkpoint/20261101-020000)");
  CHECK(worse["deployed"] == "model-checkpoint/20261101-020000");

  auto better = Deploy(dir, "model-checkpoint/20261103-020000", "0.85");
  CHECK(better["promoted"] == "true");
  CHECK(better["deployed"] == "model-checkpoint/20261103-020000");
  std::string config = ctp::testing::ReadText((dir.path / "model-deploy-config.json").string());
  CHECK(config.find("\"previous\"") != std::string::npos);

  CHECK_THROWS_WITH(Deploy(dir, "x", "high"), "deploy: argument --value: expected a number, got 'high'");
}

TEST_CASE("deploy: a damaged config is refused naming the file and the field, and kept") {
  ctp::testing::TempDir dir("deploy-damaged");
  const std::filesystem::path config = dir.path / "model-deploy-config.json";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"checkpoint": "c", "metrics": {"accuracy": "0.9"}})",
       ": field 'metrics.accuracy' must be a number, got \"0.9\""},
      {R"({"checkpoint": 7})", ": field 'checkpoint' must be a string, got 7"},
      {R"({"checkpoint": "c", "metrics": [0.9]})",
       ": field 'metrics' must be an object, got an array"},
      {R"(["c"])", ": the document must be a JSON object (a deploy config), got an array"}};
  for (const auto& [text, error] : cases) {
    CAPTURE(text);
    std::ofstream(config, std::ios::trunc) << text;
    CHECK_THROWS_WITH(Deploy(dir, "model-checkpoint/1", "0.95"), (config.string() + error).c_str());
    CHECK(ctp::testing::ReadText(config.string()) == text);
    CHECK_FALSE(std::filesystem::exists(dir.path / "out" / "promoted"));
  }
}
