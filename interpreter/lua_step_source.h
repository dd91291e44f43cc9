// The source text of an inline Lua function, as a self-contained chunk.
#pragma once

#include <string>

namespace ctp::interpreter {

/// The text of the function defined on lines [first_line, last_line] of `chunk_text`, as a chunk
/// `return function(...) ... end` that compiles on its own; empty if it cannot be isolated.
std::string ExtractFunctionSource(const std::string& chunk_text, int first_line, int last_line);

}  // namespace ctp::interpreter
