// ctp._native: the private bindings the embedded DSL uses (registry, source extraction, limits).
#pragma once

#include <lua.hpp>

namespace ctp::interpreter {

/// Pushes the table of native bindings onto the stack.
void PushNativeBindings(lua_State* L);

}  // namespace ctp::interpreter
