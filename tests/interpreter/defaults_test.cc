// What a script leaves unset stays unset in the model, so that emit writes nothing and the engine
// applies its own default (docs/emit.md, Defaults); durations read as Argo reads them.
#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include "ctp/emit/emit.h"
#include "ctp/interpreter/script.h"
#include "ctp/native/builtin_steps.h"
#include "ctp/step/step_registry.h"

using namespace ctp;
using std::chrono::milliseconds;

namespace {

Pipeline Load(const std::string& source) {
  RegisterBuiltinSteps(StepRegistry::Default());
  return LoadPipelineFromString(source, "defaults.lua");
}

// A pipeline whose step `a` has `retry = { RETRY }`.
Pipeline WithRetry(const std::string& retry) {
  return Load(
      "local ctp = require 'ctp'\n"
      "local a = ctp.container { name = 'a', image = 'alpine', retry = { " +
      retry +
      " } }\n"
      "return ctp.pipeline { name = 'p', steps = { a } }\n");
}

// A pipeline whose step `a` has `timeout = TIMEOUT`.
Pipeline WithTimeout(const std::string& timeout) {
  return Load(
      "local ctp = require 'ctp'\n"
      "local a = ctp.container { name = 'a', image = 'alpine', timeout = " +
      timeout +
      " }\n"
      "return ctp.pipeline { name = 'p', steps = { a } }\n");
}

// The spec of the Argo CronWorkflow of a pipeline with `schedule = { SCHEDULE }`.
YAML::Node CronSpec(const std::string& schedule) {
  const Pipeline p = Load(
      "local ctp = require 'ctp'\n"
      "local a = ctp.container { name = 'a', image = 'alpine' }\n"
      "return ctp.pipeline { name = 'p', steps = { a }, schedule = { " +
      schedule + " } }\n");
  EmitOptions options;
  options.kind = EmitOptions::Kind::kCron;
  return YAML::Load(EmitArgo(p, options))["spec"];
}

}  // namespace

TEST_CASE("a retry without policy leaves the policy unset, and Argo gets none (OnFailure)") {
  const Pipeline p = WithRetry("limit = 2");
  REQUIRE(p.steps[0].retry);
  CHECK_FALSE(p.steps[0].retry->policy);
  const YAML::Node strategy = YAML::Load(EmitArgo(p))["spec"]["templates"][1]["retryStrategy"];
  CHECK(strategy["limit"].as<std::string>() == "2");
  CHECK_FALSE(strategy["retryPolicy"]);

  const Pipeline given = WithRetry("limit = 2, policy = 'Always'");
  CHECK(given.steps[0].retry->policy == "Always");
  CHECK(YAML::Load(EmitArgo(given))["spec"]["templates"][1]["retryStrategy"]["retryPolicy"]
            .as<std::string>() == "Always");
}

TEST_CASE("a schedule without concurrency leaves it unset, and Argo gets none (Allow)") {
  const Pipeline p = Load(
      "local ctp = require 'ctp'\n"
      "local a = ctp.container { name = 'a', image = 'alpine' }\n"
      "return ctp.pipeline { name = 'p', steps = { a }, schedule = { cron = '0 2 * * *' } }\n");
  REQUIRE(p.schedule);
  CHECK_FALSE(p.schedule->concurrency_policy);
  CHECK_FALSE(CronSpec("cron = '0 2 * * *'")["concurrencyPolicy"]);
  CHECK(CronSpec("cron = '0 2 * * *', concurrency = 'Forbid'")["concurrencyPolicy"]
            .as<std::string>() == "Forbid");
}

TEST_CASE("a retry backoff is what Argo reads: seconds as a number or digits, or Go durations") {
  const std::vector<std::pair<std::string, milliseconds>> cases = {
      {"1", milliseconds(1000)},           {"'1'", milliseconds(1000)},
      {"'30s'", milliseconds(30000)},      {"'1m'", milliseconds(60000)},
      {"'1m30s'", milliseconds(90000)},    {"'1.5s'", milliseconds(1500)},
      {"'500ms'", milliseconds(500)},      {"'.25s'", milliseconds(250)},
      {"'2h'", milliseconds(7200000)},     {"'1.5h'", milliseconds(5400000)},
      {"'1500000us'", milliseconds(1500)}, {"'2d'", milliseconds(172800000)},
  };
  for (const auto& entry : cases) {
    // Not structured bindings: CAPTURE's lambda cannot name one (Clang 14).
    const std::string& text = entry.first;
    const milliseconds expected = entry.second;
    CAPTURE(text);
    const Pipeline p = WithRetry("limit = 1, backoff = " + text + ", max_backoff = " + text);
    CHECK(p.steps[0].retry->backoff == expected);
    CHECK(p.steps[0].retry->backoff_max == expected);
  }
}

TEST_CASE("a backoff is written as the same duration for Argo and KFP") {
  const Pipeline whole = WithRetry("limit = 1, backoff = '1'");
  CHECK(YAML::Load(EmitArgo(whole))["spec"]["templates"][1]["retryStrategy"]["backoff"]["duration"]
            .as<std::string>() == "1s");
  const Pipeline fine = WithRetry("limit = 1, backoff = '500ms', max_duration = '1m30s'");
  const YAML::Node backoff =
      YAML::Load(EmitArgo(fine))["spec"]["templates"][1]["retryStrategy"]["backoff"];
  CHECK(backoff["duration"].as<std::string>() == "0.5s");
  CHECK(backoff["maxDuration"].as<std::string>() == "90s");
  const Pipeline capped = WithRetry("limit = 1, backoff = '500ms', max_backoff = '1m30s'");
  CHECK(YAML::Load(EmitArgo(capped))["spec"]["templates"][1]["retryStrategy"]["backoff"]["cap"]
            .as<std::string>() == "90s");
  const YAML::Node retry =
      YAML::LoadAll(EmitKfp(fine)).front()["root"]["dag"]["tasks"]["a"]["retryPolicy"];
  CHECK(retry["backoffDuration"].as<std::string>() == "0.5s");
  CHECK(retry["backoffMaxDuration"].as<std::string>() == "90s");
}

TEST_CASE("a timeout is whole seconds, given as Argo reads a duration") {
  CHECK(WithTimeout("90").steps[0].timeout_seconds == 90);
  CHECK(WithTimeout("'90'").steps[0].timeout_seconds == 90);
  CHECK(WithTimeout("'1.5h'").steps[0].timeout_seconds == 5400);
  CHECK(WithTimeout("'1h30m'").steps[0].timeout_seconds == 5400);
  CHECK(WithTimeout("'2000ms'").steps[0].timeout_seconds == 2);
}
