// Loading pipeline scripts: Lua source → a checked Pipeline.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "ctp/interpreter/params.h"
#include "ctp/model/diagnostic.h"
#include "ctp/model/pipeline.h"

namespace ctp {

class StepRegistry;

/// How a script is loaded.
struct LoadOptions {
  ParamValues params;                          ///< `-p` / `--params` values
  int64_t instruction_limit = 500'000'000;     ///< stops endless loops
  std::size_t memory_limit = std::size_t{512} << 20;  ///< bytes the script may allocate
  const StepRegistry* registry = nullptr;      ///< native steps; nullptr = StepRegistry::Default()
  bool trace = false;                          ///< add Lua tracebacks to script errors
  /// Receives each warning about the script (e.g. a step in no pipeline's steps), reported once
  /// the script has returned its pipeline, before that is checked; empty = printed to stderr.
  std::function<void(const Diagnostic&)> on_warning;
};

/// Runs the script at `path` sandboxed and returns its checked pipeline, with parameter values
/// applied. Throws ctp::Error with diagnostics at the script's lines; warnings go to
/// `options.on_warning`.
Pipeline LoadPipeline(const std::string& path, const LoadOptions& options = {});

/// Like LoadPipeline, for source text; `name` is used in messages and is the script's path for
/// `require` and file reads (relative to its folder).
Pipeline LoadPipelineFromString(std::string_view source, const std::string& name,
                                const LoadOptions& options = {});

/// The version of ctp.
const char* Version();

}  // namespace ctp
