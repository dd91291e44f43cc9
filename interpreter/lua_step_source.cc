#include "lua_step_source.h"

#include <lua.hpp>

#include <sstream>
#include <vector>

namespace ctp::interpreter {
namespace {

bool Compiles(const std::string& chunk) {
  lua_State* L = luaL_newstate();
  if (!L) return false;
  bool ok = luaL_loadbufferx(L, chunk.data(), chunk.size(), "=check", "t") == LUA_OK;
  lua_close(L);
  return ok;
}

std::vector<std::size_t> Occurrences(const std::string& text, const std::string& word) {
  std::vector<std::size_t> found;
  for (std::size_t at = text.find(word); at != std::string::npos; at = text.find(word, at + 1))
    found.push_back(at);
  return found;
}

}  // namespace

std::string ExtractFunctionSource(const std::string& chunk_text, int first_line, int last_line) {
  std::vector<std::string> lines;
  std::istringstream in(chunk_text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  if (first_line < 1 || last_line < first_line || last_line > static_cast<int>(lines.size()))
    return {};
  const std::string& first = lines[first_line - 1];
  const std::string& last = lines[last_line - 1];
  std::string middle;
  for (int n = first_line + 1; n < last_line; ++n) middle += lines[n - 1] + "\n";
  // The function starts at a `function` keyword on its first line and ends after an `end` on its
  // last line: take the first combination that compiles as an expression.
  for (std::size_t start : Occurrences(first, "function")) {
    std::string head = first.substr(start);
    if (first_line == last_line) {
      for (std::size_t end : Occurrences(head, "end")) {
        std::string candidate = "return " + head.substr(0, end + 3);
        if (Compiles(candidate)) return candidate;
      }
      continue;
    }
    for (std::size_t end : Occurrences(last, "end")) {
      std::string candidate = "return " + head + "\n" + middle + last.substr(0, end + 3);
      if (Compiles(candidate)) return candidate;
    }
  }
  return {};
}

}  // namespace ctp::interpreter
