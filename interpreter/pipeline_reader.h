// Lua tables built by the DSL → the Pipeline model.
#pragma once

#include <lua.hpp>

#include <string>

#include "ctp/model/pipeline.h"

namespace ctp::interpreter {

/// Reads the pipeline table at `index`. Must run inside a protected call (LuaState::Protected).
Pipeline ReadPipeline(lua_State* L, int index);

/// A float as parameter text: the shortest round-trip form, always with a '.' or exponent.
std::string CanonicalFloat(double value);

}  // namespace ctp::interpreter
