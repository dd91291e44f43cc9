// interpreter/dsl/luals/ctp.d.lua (the LuaLS annotations) stays in step with the DSL: luals_check.lua
// loads the embedded DSL in a plain Lua state, records every schema it validates, and lists
// what the annotations lack.
#include <doctest/doctest.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <lua.hpp>
#include <sstream>
#include <string>
#include <string_view>

#include "ctp/interpreter/luals_native_steps.h"
#include "ctp/native/builtin_steps.h"
#include "test_paths.h"

namespace ctp {
std::string_view EmbeddedLuaModule(std::string_view name);  // interpreter/tools/embed_lua.cc
}

namespace {

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in, "cannot read " << path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs luals_check.lua with the DSL sources and `annotations`; returns its problems, one a line.
std::string Problems(const std::string& annotations) {
  lua_State* L = luaL_newstate();
  luaL_openlibs(L);
  const std::string check = ReadText(ctp::testing::SourcePath("tests/interpreter/luals_check.lua"));
  REQUIRE(luaL_loadbuffer(L, check.data(), check.size(), "@luals_check.lua") == LUA_OK);
  lua_newtable(L);
  for (const char* module : {"ctp", "ctp_check", "ctp_values", "ctp_component"}) {
    const std::string_view chunk = ctp::EmbeddedLuaModule(module);  // bytecode, loaded by load()
    REQUIRE(!chunk.empty());
    lua_pushlstring(L, chunk.data(), chunk.size());
    lua_setfield(L, -2, module);
  }
  lua_pushlstring(L, annotations.data(), annotations.size());
  std::string out;
  if (lua_pcall(L, 2, 1, 0) != LUA_OK) {
    out = std::string("luals_check.lua failed: ") + lua_tostring(L, -1) + "\n";
  } else {
    for (lua_Integer i = 1; i <= luaL_len(L, -1); ++i) {
      lua_geti(L, -1, i);
      out += std::string(lua_tostring(L, -1)) + "\n";
      lua_pop(L, 1);
    }
  }
  lua_close(L);
  return out;
}

std::string Annotations() { return ReadText(ctp::testing::SourcePath("interpreter/dsl/luals/ctp.d.lua")); }

// `text` without the first line that starts with `line`.
std::string Without(std::string text, const std::string& line) {
  std::size_t at = text.find("\n" + line);
  REQUIRE_MESSAGE(at != std::string::npos, "no line " << line);
  return text.erase(at, text.find('\n', at + 1) - at);
}

}  // namespace

TEST_CASE("ctp.d.lua documents every public ctp function and every field the DSL accepts") {
  CHECK(Problems(Annotations()) == "");
}

TEST_CASE("ctp.d.lua is valid Lua that returns the module table") {
  const std::string annotations = Annotations();
  lua_State* L = luaL_newstate();
  const int loaded = luaL_loadbuffer(L, annotations.data(), annotations.size(), "@ctp.d.lua");
  CHECK_MESSAGE(loaded == LUA_OK, lua_tostring(L, -1));
  if (loaded == LUA_OK) {
    CHECK(lua_pcall(L, 0, 1, 0) == LUA_OK);
    CHECK(lua_type(L, -1) == LUA_TTABLE);
  }
  lua_close(L);
}

TEST_CASE("the check notices a missing function, field or record field") {
  const std::string annotations = Annotations();
  CHECK(Problems(Without(annotations, "function ctp.negate(")) ==
        "ctp.negate is missing from ctp.d.lua\n");
  CHECK(Problems(Without(annotations, "---@field working_dir? string\n---@field outputs")) ==
        "ctp.container: field 'working_dir' is missing from ctp.ContainerFields\n");
  CHECK(Problems(Without(annotations, "---@field image_pull_policy")) ==
        "ctp.container: field 'image_pull_policy' is missing from ctp.ContainerFields\n"
        "ctp.lua: field 'image_pull_policy' is missing from ctp.LuaFields\n"
        "ctp.script: field 'image_pull_policy' is missing from ctp.ScriptFields\n"
        "ctp.sub_pipeline: field 'image_pull_policy' is missing from ctp.SubPipelineFields\n");
  CHECK(Problems(Without(annotations, "---@field max_backoff")) ==
        "no class in ctp.d.lua has the fields { backoff, factor, limit, max_backoff, max_duration, "
        "policy }\n");
}

TEST_CASE("ctp.d.lua types the native steps' arguments exactly as the registry declares them") {
  // With CTP_UPDATE_GOLDEN=1 the block is rewritten from the registry instead.
  ctp::StepRegistry registry;
  ctp::RegisterBuiltinSteps(registry);
  const std::string expected = ctp::LuaLsNativeStepAnnotations(registry);
  std::string annotations = Annotations();
  const std::size_t begin = annotations.find(ctp::kLuaLsNativeStepsBegin);
  const std::size_t end = annotations.find(ctp::kLuaLsNativeStepsEnd);
  REQUIRE(begin != std::string::npos);
  REQUIRE(end != std::string::npos);
  const std::size_t size = end + std::strlen(ctp::kLuaLsNativeStepsEnd) + 1 - begin;
  const char* update = std::getenv("CTP_UPDATE_GOLDEN");
  if (update && std::string(update) == "1") {
    std::ofstream(ctp::testing::SourcePath("interpreter/dsl/luals/ctp.d.lua"), std::ios::binary)
        << annotations.replace(begin, size, expected);
    return;
  }
  CHECK_MESSAGE(annotations.substr(begin, size) == expected,
                "the native steps in ctp.d.lua differ from the registry; expected:\n"
                    << expected);
}

TEST_CASE("the generated annotations: one typed field per argument, optional ones with '?'") {
  ctp::StepRegistry registry;
  registry.Register(
      {"demo", "1", "does a demo", {
           {"data", ctp::ArgType::kPath, true, std::nullopt, "input folder"},
           {"epochs", ctp::ArgType::kInt, false, "5", "passes"},
           {"rate", ctp::ArgType::kFloat, false, std::nullopt, "a rate"},
           {"images", ctp::ArgType::kBool, false, "true", "write images"},
           {"device", ctp::ArgType::kChoice, false, "auto", "where", {"auto", "cpu"}},
       }, {}, nullptr});
  CHECK(ctp::LuaLsNativeStepAnnotations(registry) ==
        std::string(ctp::kLuaLsNativeStepsBegin) + "\n"
        "\n"
        "---The fields of `ctp.steps.demo`: its arguments (`ctp step demo --help`).\n"
        "---@class ctp.steps.demo.Args: ctp.StepFields\n"
        "---@field data string|ctp.Ref|ctp.String input folder\n"
        "---@field epochs? integer|ctp.Ref|ctp.String passes (default 5)\n"
        "---@field rate? number|ctp.Ref|ctp.String a rate\n"
        "---@field images? boolean|ctp.Ref|ctp.String write images (default true)\n"
        "---@field device? \"auto\"|\"cpu\"|ctp.Ref|ctp.String where (default auto)\n"
        "\n"
        "---The native steps of the registry (C++ steps run by name).\n"
        "---@class ctp.Steps\n"
        "---@field demo fun(fields: ctp.steps.demo.Args): ctp.Step does a demo\n"
        "---@field [string] fun(fields: ctp.NativeStepFields): ctp.Step\n"
        "-- END native steps\n");
}
