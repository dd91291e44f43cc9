#include "bindings.h"

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "ctp/base/text_check.h"
#include "ctp/interpreter/params.h"
#include "ctp/model/diagnostic.h"
#include "ctp/step/step_registry.h"
#include "kfp_component_spec.h"
#include "lua_json.h"
#include "lua_state.h"
#include "lua_step_source.h"

namespace ctp::interpreter {
namespace {

std::vector<std::string> StringList(lua_State* L, int index) {
  std::vector<std::string> items;
  luaL_checktype(L, index, LUA_TTABLE);
  lua_Integer n = luaL_len(L, index);
  for (lua_Integer i = 1; i <= n; ++i) {
    lua_geti(L, index, i);
    if (lua_type(L, -1) == LUA_TSTRING) items.emplace_back(lua_tostring(L, -1));
    lua_pop(L, 1);
  }
  return items;
}

void PushStringList(lua_State* L, const std::vector<std::string>& items) {
  lua_createtable(L, static_cast<int>(items.size()), 0);
  for (std::size_t i = 0; i < items.size(); ++i) {
    lua_pushstring(L, items[i].c_str());
    lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
  }
}

int DidYouMean(lua_State* L) {
  std::string name = luaL_checkstring(L, 1);
  lua_pushstring(L, ctp::DidYouMean(name, StringList(L, 2)).c_str());
  return 1;
}

int StepNames(lua_State* L) {
  PushStringList(L, StateOf(L).registry().Names());
  return 1;
}

// native_arg_problem(step, arg, text) -> nothing when `text` is a value of the native step's
// argument, else what it must be ("an integer") and a hint (" (did you mean 'cpu'?)" or "").
int NativeArgProblem(lua_State* L) {
  const NativeStep* step = StateOf(L).registry().Find(luaL_checkstring(L, 1));
  const std::string name = luaL_checkstring(L, 2);
  const std::string text = luaL_checkstring(L, 3);
  if (!step) return 0;
  for (const NativeArg& arg : step->args) {
    if (arg.name != name || IsArgValue(arg, text)) continue;
    lua_pushstring(L, ArgExpectation(arg).c_str());
    lua_pushstring(L, ArgValueHint(arg, text).c_str());
    return 2;
  }
  return 0;
}

int StepSchema(lua_State* L) {
  const NativeStep* step = StateOf(L).registry().Find(luaL_checkstring(L, 1));
  if (!step) return 0;
  lua_createtable(L, 0, 3);
  lua_pushstring(L, step->version.c_str());
  lua_setfield(L, -2, "version");
  lua_createtable(L, static_cast<int>(step->args.size()), 0);
  for (std::size_t i = 0; i < step->args.size(); ++i) {
    const NativeArg& arg = step->args[i];
    lua_createtable(L, 0, 3);
    lua_pushstring(L, arg.name.c_str());
    lua_setfield(L, -2, "name");
    lua_pushstring(L, ArgTypeName(arg.type));
    lua_setfield(L, -2, "type");
    lua_pushboolean(L, arg.required);
    lua_setfield(L, -2, "required");
    lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
  }
  lua_setfield(L, -2, "args");
  lua_createtable(L, static_cast<int>(step->outputs.size()), 0);
  for (std::size_t i = 0; i < step->outputs.size(); ++i) {
    const NativeOutput& output = step->outputs[i];
    lua_createtable(L, 0, 3);
    lua_pushstring(L, output.name.c_str());
    lua_setfield(L, -2, "name");
    lua_pushstring(L, ValueKindName(output.kind));
    lua_setfield(L, -2, "kind");
    lua_pushstring(L, output.doc.c_str());
    lua_setfield(L, -2, "doc");
    lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
  }
  lua_setfield(L, -2, "outputs");
  return 1;
}

// Line `wanted` (counted from 1) of `text`, or nothing past its end.
std::optional<std::string> LineOf(const std::string& text, lua_Integer wanted) {
  std::istringstream in(text);
  std::string line;
  for (lua_Integer n = 1; std::getline(in, line); ++n)
    if (n == wanted) return line;
  return std::nullopt;
}

// function_source(fn) -> "return function(...) ... end", { upvalue names except _ENV }; or nil,
// the problem and the script's line when the function's text is not UTF-8 or holds a NUL byte.
int FunctionSource(lua_State* L) {
  luaL_checktype(L, 1, LUA_TFUNCTION);
  std::vector<std::string> upvalues;
  for (int i = 1;; ++i) {
    const char* name = lua_getupvalue(L, 1, i);
    if (!name) break;
    lua_pop(L, 1);
    if (std::string(name) != "_ENV") upvalues.emplace_back(name);
  }
  lua_Debug ar;
  lua_pushvalue(L, 1);
  lua_getinfo(L, ">S", &ar);
  if (std::string(ar.what) != "Lua") return luaL_error(L, "field 'fn' must be a Lua function");
  const std::string* text = StateOf(L).ChunkText(ar.source);
  std::string source;
  if (text) source = ExtractFunctionSource(*text, ar.linedefined, ar.lastlinedefined);
  if (text && base::TextProblem(source)) {
    // The step's text goes into the emitted YAML: name the script's line that holds the bytes.
    for (int n = ar.linedefined; n <= ar.lastlinedefined; ++n) {
      const std::optional<std::string> line = LineOf(*text, n);
      const auto problem = line ? base::TextProblem(*line) : std::nullopt;
      if (!problem) continue;
      lua_pushnil(L);
      lua_pushstring(L, problem->c_str());
      lua_pushinteger(L, n);
      return 3;
    }
  }
  if (source.empty())
    return luaL_error(L,
                      "cannot find the source text of the step function (define it inline in "
                      "the script)");
  lua_pushlstring(L, source.data(), source.size());
  PushStringList(L, upvalues);
  return 2;
}

// caller() -> file, line of the first frame of the user's code, or nothing (ctp_check's caller:
// a Lua loop over debug.getinfo tables cost ~20 K instructions per DSL call).
int Caller(lua_State* L) {
  lua_Debug ar;
  if (!UserFrame(L, &ar)) return 0;
  lua_pushstring(L, ar.source[0] == '@' ? ar.source + 1 : ar.short_src);
  lua_pushinteger(L, ar.currentline);
  return 2;
}

// main_chunk_line(hint) -> file, line: the script's last line that contains `hint` (0 if none).
int MainChunkLine(lua_State* L) {
  std::string hint = luaL_checkstring(L, 1);
  const LuaState& state = StateOf(L);
  const std::string* text = state.ChunkText("@" + state.main_chunk());
  int found = 0;
  if (text && !hint.empty()) {
    std::istringstream in(*text);
    std::string line;
    for (int n = 1; std::getline(in, line); ++n)
      if (line.find(hint) != std::string::npos) found = n;
  }
  lua_pushstring(L, state.main_chunk().c_str());
  lua_pushinteger(L, found);
  return 2;
}

// source_line(file, line) -> the text of that line of a chunk this state loaded, or nothing
int SourceLine(lua_State* L) {
  const std::string* text = StateOf(L).ChunkText(std::string("@") + luaL_checkstring(L, 1));
  const lua_Integer wanted = luaL_checkinteger(L, 2);
  const std::optional<std::string> line = text ? LineOf(*text, wanted) : std::nullopt;
  if (!line) return 0;
  lua_pushlstring(L, line->data(), line->size());
  return 1;
}

// param_override(name) -> the text given with -p/--params, or nothing
int ParamOverride(lua_State* L) {
  const auto& values = StateOf(L).param_values();
  auto found = values.find(luaL_checkstring(L, 1));
  if (found == values.end()) return 0;
  lua_pushstring(L, found->second.c_str());
  return 1;
}

// parse_param(type, text) -> the value as Lua, or nil, "bad value"
int ParseParam(lua_State* L) {
  static const std::map<std::string, ParamType> types = {{"string", ParamType::kString},
                                                         {"int", ParamType::kInt},
                                                         {"float", ParamType::kFloat},
                                                         {"bool", ParamType::kBool},
                                                         {"list", ParamType::kList}};
  auto type = types.find(luaL_checkstring(L, 1));
  std::string text = luaL_checkstring(L, 2);
  if (type == types.end()) return luaL_error(L, "unknown parameter type");
  std::optional<std::string> canonical = CanonicalParamValue(type->second, text);
  if (!canonical) {
    lua_pushnil(L);
    lua_pushstring(L, "bad value");
    return 2;
  }
  switch (type->second) {
    case ParamType::kString:
      lua_pushstring(L, canonical->c_str());
      break;
    case ParamType::kInt:
      lua_pushinteger(L, std::stoll(*canonical));
      break;
    case ParamType::kFloat:
      lua_pushnumber(L, std::stod(*canonical));
      break;
    case ParamType::kBool:
      lua_pushboolean(L, *canonical == "true");
      break;
    case ParamType::kList:
      PushJson(L, nlohmann::json::parse(*canonical));
      break;
  }
  return 1;
}

int LimitExceeded(lua_State* L) {
  lua_pushboolean(L, StateOf(L).limit_exceeded());
  return 1;
}

// print_line(text): one line of the sandbox's `print` to the state's sink.
int PrintLine(lua_State* L) {
  std::size_t size = 0;
  const char* text = luaL_checklstring(L, 1, &size);
  StateOf(L).Print(std::string(text, size));
  return 0;
}

// load_file(path, env) -> chunk | nil, message | nothing (no such file)
int LoadFile(lua_State* L) {
  std::string path = luaL_checkstring(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  return StateOf(L).LoadFile(path, 2);
}

// load_component(path) -> the component spec as a table | nil, "path:line: message"
// (a relative path is relative to the script's folder, as for require).
int LoadComponent(lua_State* L) {
  std::string path = luaL_checkstring(L, 1);
  if (path.empty() || path[0] != '/') path = StateOf(L).script_dir() + "/" + path;
  nlohmann::json spec;
  std::string problem;
  try {
    spec = ReadComponentSpec(path);
  } catch (const Error& e) {
    problem = FormatDiagnostic(e.diagnostics().front(), /*show_source=*/false);
    problem.erase(problem.find_last_not_of('\n') + 1);
    if (auto at = problem.find(": error: "); at != std::string::npos) problem.erase(at, 7);
  } catch (const std::exception& e) {
    problem = path + ": " + e.what();
  }
  if (!problem.empty()) {
    lua_pushnil(L);
    lua_pushstring(L, problem.c_str());
    return 2;
  }
  PushJson(L, spec);
  lua_pushstring(L, path.c_str());
  return 2;
}

}  // namespace

void PushNativeBindings(lua_State* L) {
  static const luaL_Reg functions[] = {
      {"did_you_mean", DidYouMean},
      {"step_names", StepNames},
      {"step_schema", StepSchema},
      {"native_arg_problem", NativeArgProblem},
      {"function_source", FunctionSource},
      {"limit_exceeded", LimitExceeded},
      {"load_file", LoadFile},
      {"main_chunk_line", MainChunkLine},
      {"source_line", SourceLine},
      {"param_override", ParamOverride},
      {"parse_param", ParseParam},
      {"load_component", LoadComponent},
      {"print_line", PrintLine},
      {"caller", Caller},
      {nullptr, nullptr},
  };
  luaL_newlib(L, functions);
  lua_pushstring(L, CTP_VERSION);
  lua_setfield(L, -2, "version");
}

}  // namespace ctp::interpreter
