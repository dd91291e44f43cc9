// ctp._native: the private bindings the embedded DSL uses (registry, source extraction, limits).
#pragma once

#include <lua.hpp>

namespace ctp::detail {

/// Pushes the table of native bindings onto the stack.
void PushNativeBindings(lua_State* L);

}  // namespace ctp::detail
