#include "ctp/lua_step.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "ctp/diagnostic.h"
#include "ctp/step_registry.h"
#include "lua_json.h"
#include "lua_state.h"
#include "pipeline_reader.h"

namespace ctp {
namespace {

std::string ValueText(lua_State* L, int index) {
  switch (lua_type(L, index)) {
    case LUA_TSTRING: return lua_tostring(L, index);
    case LUA_TBOOLEAN: return lua_toboolean(L, index) ? "true" : "false";
    case LUA_TNUMBER:
      if (lua_isinteger(L, index)) return std::to_string(lua_tointeger(L, index));
      return detail::CanonicalFloat(lua_tonumber(L, index));
    default: return detail::LuaToJson(L, index, detail::EmptyTable::kObject).dump();
  }
}

}  // namespace

std::map<std::string, std::string> RunLuaStep(const std::string& source,
                                              const std::map<std::string, std::string>& inputs,
                                              const std::string& name) {
  StepRegistry no_native_steps;
  detail::LuaState state({}, no_native_steps, ".", /*trace=*/false);
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

}  // namespace ctp
