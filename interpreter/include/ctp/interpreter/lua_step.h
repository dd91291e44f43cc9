// Running a Lua function step: the function's self-contained source in a fresh sandboxed state.
// The local runner (handed this function as a ctp::LuaStepFunction) and `ctp exec` (the ctp image
// in a cluster) both run steps this way.
#pragma once

#include <map>
#include <string>

#include "ctp/step/lua_step.h"

namespace ctp {

/// Calls the function that `source` (a chunk `return function(inputs) ... end`) returns, with
/// `inputs` as a table of strings. Returns the fields of the table it returns as text: strings as
/// they are, numbers and booleans in canonical form, tables as JSON. `name` names the chunk in
/// messages. Throws ctp::Error for Lua errors and when the result is not a table.
std::map<std::string, std::string> RunLuaStep(const std::string& source,
                                              const std::map<std::string, std::string>& inputs,
                                              const std::string& name,
                                              const LuaStepOptions& options = {});

}  // namespace ctp
