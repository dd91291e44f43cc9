#include <doctest/doctest.h>

#include <filesystem>
#include <sstream>

#include "ctp/native/builtin_steps.h"
#include "ctp/step/step_registry.h"
#include "golden.h"

TEST_CASE("the echo step logs its message and writes it as an output") {
  ctp::StepRegistry registry;
  ctp::RegisterBuiltinSteps(registry);
  const ctp::NativeStep* echo = registry.Find("echo");
  REQUIRE(echo != nullptr);
  std::filesystem::path dir = std::filesystem::temp_directory_path() / "ctp-echo-test";
  std::filesystem::remove_all(dir);
  std::ostringstream log;
  ctp::StepContext context;
  context.args = {{"message", "hi"}, {"times", "2"}};
  context.output_dir = dir;
  context.log = &log;
  ctp::RunNativeStep(*echo, context);
  CHECK(log.str() == "hi\nhi\n");
  CHECK(ctp::testing::ReadText((dir / "message").string()) == "hi");
  std::filesystem::remove_all(dir);
}

TEST_CASE("the echo step logs once by default and refuses a --times that is no integer") {
  ctp::StepRegistry registry;
  ctp::RegisterBuiltinSteps(registry);
  const ctp::NativeStep* echo = registry.Find("echo");
  REQUIRE(echo != nullptr);
  std::filesystem::path dir = std::filesystem::temp_directory_path() / "ctp-echo-default-test";
  std::ostringstream log;
  ctp::StepContext context;
  context.args = {{"message", "hi"}};
  context.output_dir = dir;
  context.log = &log;
  ctp::RunNativeStep(*echo, context);
  CHECK(log.str() == "hi\n");
  context.args["times"] = "two";
  CHECK_THROWS_WITH_AS(ctp::RunNativeStep(*echo, context),
                       "echo: argument --times: expected an integer, got 'two'", ctp::ArgError);
  std::filesystem::remove_all(dir);
}
