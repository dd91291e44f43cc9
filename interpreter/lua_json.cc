#include "lua_json.h"

#include <stdexcept>

namespace ctp::interpreter {
namespace {

nlohmann::json Convert(lua_State* L, int index, EmptyTable empty, int depth) {
  index = lua_absindex(L, index);
  switch (lua_type(L, index)) {
    case LUA_TBOOLEAN: return lua_toboolean(L, index) != 0;
    case LUA_TNUMBER:
      if (lua_isinteger(L, index)) return static_cast<int64_t>(lua_tointeger(L, index));
      return lua_tonumber(L, index);
    case LUA_TSTRING: return std::string(lua_tostring(L, index));
    case LUA_TTABLE: {
      if (depth > 64) throw std::runtime_error("a table is nested too deeply");
      lua_Integer n = static_cast<lua_Integer>(lua_rawlen(L, index));
      if (n > 0) {
        nlohmann::json array = nlohmann::json::array();
        for (lua_Integer i = 1; i <= n; ++i) {
          lua_rawgeti(L, index, i);
          array.push_back(Convert(L, -1, empty, depth + 1));
          lua_pop(L, 1);
        }
        return array;
      }
      nlohmann::json object = nlohmann::json::object();
      lua_pushnil(L);
      while (lua_next(L, index)) {
        if (lua_type(L, -2) == LUA_TSTRING)
          object[lua_tostring(L, -2)] = Convert(L, -1, empty, depth + 1);
        lua_pop(L, 1);
      }
      if (object.empty() && empty == EmptyTable::kArray) return nlohmann::json::array();
      return object;
    }
    default: return nullptr;
  }
}

}  // namespace

nlohmann::json LuaToJson(lua_State* L, int index, EmptyTable empty) {
  return Convert(L, index, empty, 0);
}

void PushJson(lua_State* L, const nlohmann::json& value) {
  luaL_checkstack(L, 3, "nested JSON");
  if (value.is_boolean()) {
    lua_pushboolean(L, value.get<bool>());
  } else if (value.is_number_integer()) {
    lua_pushinteger(L, value.get<int64_t>());
  } else if (value.is_number()) {
    lua_pushnumber(L, value.get<double>());
  } else if (value.is_string()) {
    lua_pushstring(L, value.get_ref<const std::string&>().c_str());
  } else if (value.is_array()) {
    lua_createtable(L, static_cast<int>(value.size()), 0);
    for (std::size_t i = 0; i < value.size(); ++i) {
      PushJson(L, value[i]);
      lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
    }
  } else if (value.is_object()) {
    lua_createtable(L, 0, static_cast<int>(value.size()));
    for (const auto& [key, item] : value.items()) {
      PushJson(L, item);
      lua_setfield(L, -2, key.c_str());
    }
  } else {
    lua_pushnil(L);
  }
}

}  // namespace ctp::interpreter
