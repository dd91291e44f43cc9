// Lua values as JSON: parameter lists, loop items and the tables Lua steps return.
#pragma once

#include <lua.hpp>

#include <nlohmann/json.hpp>

namespace ctp::interpreter {

/// What an empty Lua table becomes (Lua cannot tell an empty list from an empty map).
enum class EmptyTable { kArray, kObject };

/// The value at `index` as JSON: booleans, integers, numbers and strings as such; a table with a
/// sequence part as an array, else as an object of its string keys; anything else null. Throws
/// std::runtime_error for tables nested more than 64 deep. Run inside a protected call.
nlohmann::json LuaToJson(lua_State* L, int index, EmptyTable empty = EmptyTable::kArray);

/// Pushes `value` as a Lua value: arrays as lists, objects as tables with string keys, null as
/// nil. Run inside a protected call.
void PushJson(lua_State* L, const nlohmann::json& value);

}  // namespace ctp::interpreter
