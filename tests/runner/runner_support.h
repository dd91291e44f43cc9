// Helpers for runner tests: a fresh workdir, pipelines from Lua source, runs with output captured.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "ctp/runner/runner.h"
#include "ctp/interpreter/lua_step.h"
#include "ctp/interpreter/script.h"
#include "ctp/native/builtin_steps.h"
#include "ctp/step/step_registry.h"

namespace ctp::testing {

/// A temporary folder, removed with the object.
class ScratchDir {
 public:
  ScratchDir() {
    static int counter = 0;
    path_ = std::filesystem::temp_directory_path() /
            ("ctp_runner_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

/// The registry with ctp's built-in native steps.
inline const StepRegistry& BuiltinRegistry() {
  static const StepRegistry registry = [] {
    StepRegistry r;
    RegisterBuiltinSteps(r);
    return r;
  }();
  return registry;
}

/// Loads a pipeline from Lua source (with `-p` assignments).
inline Pipeline Script(const std::string& source, const std::vector<std::string>& params = {}) {
  LoadOptions options;
  options.registry = &BuiltinRegistry();
  for (const std::string& assignment : params) AddParamAssignment(options.params, assignment);
  return LoadPipelineFromString(source, "test.lua", options);
}

/// A run's result and what it printed.
struct Ran {
  RunResult result;
  std::string out;
  /// The record of task `name`.
  const StepRecord& Step(const std::string& name) const {
    for (const StepRecord& step : result.steps)
      if (step.step == name) return step;
    throw std::runtime_error("no step record " + name);
  }
};

/// Runs `pipeline` in `workdir` quietly; `adjust` may change the options.
template <typename Adjust>
Ran RunIn(const Pipeline& pipeline, const std::filesystem::path& workdir, Adjust adjust) {
  std::ostringstream out;
  RunOptions options;
  options.workdir = workdir;
  options.lua_steps = RunLuaStep;
  options.progress = ProgressStyle::kPlain;
  options.out = &out;
  options.registry = &BuiltinRegistry();
  adjust(options);
  Ran ran{RunPipeline(pipeline, options), ""};
  ran.out = out.str();
  return ran;
}

inline Ran RunIn(const Pipeline& pipeline, const std::filesystem::path& workdir) {
  return RunIn(pipeline, workdir, [](RunOptions&) {});
}

/// The whole content of a file ("" when missing).
inline std::string FileText(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace ctp::testing
