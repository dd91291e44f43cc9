// Runs one registered native step in-process, as `ctp step` would, recording what it reports.
#pragma once

#include <doctest/doctest.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "ctp/native/builtin_steps.h"
#include "ctp/step/step_registry.h"

namespace ctp::testing {

/// What a step reported while it ran.
struct Recorded {
  std::map<std::string, std::vector<double>> metrics;
  int progress_calls = 0;
};

/// Runs the registered step `name` with `args`, outputs into `out`; returns what it reported.
inline Recorded RunStep(const std::string& name, std::map<std::string, std::string> args,
                        const std::filesystem::path& out) {
  ctp::StepRegistry registry;
  ctp::RegisterBuiltinSteps(registry);
  const ctp::NativeStep* step = registry.Find(name);
  REQUIRE(step != nullptr);
  Recorded recorded;
  ctp::StepContext context;
  context.args = std::move(args);
  context.output_dir = out;
  context.progress = [&](const ctp::StepProgress&) { ++recorded.progress_calls; };
  context.metric = [&](const std::string& metric, double value, int) {
    recorded.metrics[metric].push_back(value);
  };
  ctp::RunNativeStep(*step, context);
  return recorded;
}

}  // namespace ctp::testing
