#include "ctp/interpreter/script.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "ctp/base/input_file.h"
#include "ctp/model/dag.h"
#include "ctp/model/diagnostic.h"
#include "ctp/step/step_registry.h"
#include "lua_state.h"
#include "pipeline_reader.h"

namespace ctp {

const char* Version() { return CTP_VERSION; }

Pipeline LoadPipelineFromString(std::string_view source, const std::string& name,
                                const LoadOptions& options) {
  const StepRegistry& registry = options.registry ? *options.registry : StepRegistry::Default();
  std::string dir = std::filesystem::path(name).parent_path().string();
  interpreter::LuaLimits limits;
  limits.instructions = options.instruction_limit;
  limits.memory_bytes = options.memory_limit;
  interpreter::LuaState state(limits, registry, dir.empty() ? "." : dir, options.trace);
  std::map<std::string, std::string> param_texts;
  for (const auto& [param, value] : options.params.values) param_texts[param] = value.text;
  state.set_param_values(std::move(param_texts));
  state.RunScript(std::string(source), name);
  Pipeline pipeline;
  state.Protected([&](lua_State* L) {
    if (lua_type(L, 1) != LUA_TTABLE)
      throw Error(SourceLocation{name, 0},
                  "the script must return a pipeline (end it with `return ctp.pipeline { ... }`)");
    lua_getfield(L, 1, "ctp_kind");
    bool is_pipeline = lua_type(L, -1) == LUA_TSTRING && std::string(lua_tostring(L, -1)) == "pipeline";
    lua_pop(L, 1);
    if (!is_pipeline)
      throw Error(SourceLocation{name, 0},
                  "the script must return a pipeline (end it with `return ctp.pipeline { ... }`)");
    pipeline = interpreter::ReadPipeline(L, 1);
  }, /*nargs=*/1);
  for (const Diagnostic& warning : state.ScriptWarnings()) {
    if (options.on_warning)
      options.on_warning(warning);
    else
      std::cerr << FormatDiagnostic(warning) << std::flush;
  }
  ApplyParams(pipeline, options.params);
  CheckPipeline(pipeline);
  return pipeline;
}

Pipeline LoadPipeline(const std::string& path, const LoadOptions& options) {
  std::string source;
  try {
    source = base::ReadInputFile(path);
  } catch (const base::InputFileError& e) {
    throw Error(SourceLocation{path, 0}, std::string("cannot read script: ") + e.what());
  }
  return LoadPipelineFromString(source, path, options);
}

}  // namespace ctp
