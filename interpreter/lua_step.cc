#include "ctp/interpreter/lua_step.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "ctp/model/diagnostic.h"
#include "ctp/step/step_registry.h"
#include "lua_json.h"
#include "lua_state.h"
#include "pipeline_reader.h"

namespace ctp {
namespace {

std::string ValueText(lua_State* L, int index) {
  switch (lua_type(L, index)) {
    case LUA_TSTRING:
      return lua_tostring(L, index);
    case LUA_TBOOLEAN:
      return lua_toboolean(L, index) ? "true" : "false";
    case LUA_TNUMBER:
      if (lua_isinteger(L, index)) return std::to_string(lua_tointeger(L, index));
      return interpreter::CanonicalFloat(lua_tonumber(L, index));
    default:
      return interpreter::LuaToJson(L, index, interpreter::EmptyTable::kObject).dump();
  }
}

// Runs the chunk and calls the function it returns.
std::map<std::string, std::string> CallStepFunction(
    interpreter::LuaState& state, const std::string& source,
    const std::map<std::string, std::string>& inputs, const std::string& name) {
  state.RunScript(source, name);
  std::map<std::string, std::string> outputs;
  state.Protected(
      [&](lua_State* L) {
        if (lua_type(L, 1) != LUA_TFUNCTION)
          throw Error(SourceLocation{name, 0}, "the step source must return a function");
        lua_pushvalue(L, 1);
        lua_createtable(L, 0, static_cast<int>(inputs.size()));
        for (const auto& [key, value] : inputs) {
          lua_pushlstring(L, value.data(), value.size());
          lua_setfield(L, -2, key.c_str());
        }
        lua_call(L, 1, 1);
        if (lua_isnil(L, -1)) return;
        if (lua_type(L, -1) != LUA_TTABLE)
          throw Error(SourceLocation{name, 0},
                      fmt::format("the step function must return a table of outputs, got {}",
                                  luaL_typename(L, -1)));
        int result = lua_gettop(L);
        lua_pushnil(L);
        while (lua_next(L, result)) {
          if (lua_type(L, -2) == LUA_TSTRING) outputs[lua_tostring(L, -2)] = ValueText(L, -1);
          lua_pop(L, 1);
        }
      },
      /*nargs=*/1);
  return outputs;
}

}  // namespace

std::map<std::string, std::string> RunLuaStep(const std::string& source,
                                              const std::map<std::string, std::string>& inputs,
                                              const std::string& name,
                                              const LuaStepOptions& options) {
  StepRegistry no_native_steps;
  interpreter::LuaLimits limits;
  if (options.timeout) {
    limits.deadline = std::chrono::steady_clock::now() + *options.timeout;
    limits.deadline_message = TimedOutMessage(*options.timeout);
  }
  limits.cancelled = options.cancelled;
  interpreter::LuaState state(limits, no_native_steps, ".", /*trace=*/false);
  if (options.print) state.set_print_sink(options.print);
  try {
    return CallStepFunction(state, source, inputs, name);
  } catch (const Error&) {
    if (state.deadline_exceeded()) throw StepTimedOut(limits.deadline_message);
    if (state.cancelled()) throw StepStopped("stopped");
    throw;
  }
}

}  // namespace ctp
