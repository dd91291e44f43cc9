// A Lua state for one script: the embedded DSL, the sandbox, an instruction budget and a memory
// cap, and conversion of every Lua error into a ctp::Error that names the script and line.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <lua.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ctp/model/diagnostic.h"

namespace ctp {

class StepRegistry;

namespace interpreter {

/// Fills `ar` with the first stack frame of the user's code (not the embedded DSL, not C): the
/// frame a DSL call or an error is reported at. False when there is none (a tail call).
bool UserFrame(lua_State* L, lua_Debug* ar);

/// Limits that stop runaway scripts.
struct LuaLimits {
  int64_t instructions = 500'000'000;     ///< VM instructions for the whole script
  std::size_t memory_bytes = 512u << 20;  ///< bytes the Lua heap may hold
  /// When the code must have finished (a Lua step's timeout); none = no deadline.
  std::optional<std::chrono::steady_clock::time_point> deadline;
  /// What the deadline error says, e.g. "step 'x' timed out after 2s".
  std::string deadline_message;
  /// Set by another thread to stop the code (the run is stopping); may be null.
  const std::atomic<bool>* cancelled = nullptr;
};

/// Where the sandbox's `print` writes one line (without its newline); empty = standard error.
using LuaPrintSink = std::function<void(const std::string&)>;

/// One sandboxed Lua state. Not copyable; not thread-safe.
class LuaState {
 public:
  /// Creates the state, loads the DSL and builds the sandbox for a script in `script_dir`.
  LuaState(const LuaLimits& limits, const StepRegistry& registry, std::string script_dir,
           bool trace);
  ~LuaState();
  LuaState(const LuaState&) = delete;
  LuaState& operator=(const LuaState&) = delete;

  lua_State* get() const { return L_; }

  /// Runs `source` (named `chunk_name`, a path) in the sandbox and leaves its first result on
  /// the stack. Throws ctp::Error for syntax and runtime errors and exceeded limits.
  void RunScript(const std::string& source, const std::string& chunk_name);

  /// Runs `body` as a protected Lua call: Lua errors inside become ctp::Error (so that no Lua
  /// error escapes a protected call); std::exceptions thrown by `body` pass through unchanged.
  /// The top `nargs` values move into the call, where `body` sees them as indices 1..nargs.
  void Protected(const std::function<void(lua_State*)>& body, int nargs = 0);

  /// The DSL's warnings about the script that ran, e.g. a step in no pipeline's steps (what
  /// ctp.lua's `native.script_warnings` returns; none when the script did not use the DSL).
  std::vector<Diagnostic> ScriptWarnings();

  /// The text of a chunk this state loaded (by its chunk name "@path"), or nullptr.
  const std::string* ChunkText(const std::string& chunk_name) const;

  /// Loads a file as a chunk with `env` (index of a table) as its environment and remembers its
  /// text. Pushes the function, or nil and an error message ("file:line: msg"); nothing if the
  /// file does not exist. Returns the number of values pushed.
  int LoadFile(const std::string& path, int env_index);

  const std::string& script_dir() const { return script_dir_; }
  /// Parameter values given for this load (name → text), readable by the script (ctp.value).
  const std::map<std::string, std::string>& param_values() const { return param_values_; }
  void set_param_values(std::map<std::string, std::string> values) {
    param_values_ = std::move(values);
  }
  /// The path of the script RunScript ran.
  const std::string& main_chunk() const { return main_chunk_; }
  const StepRegistry& registry() const { return registry_; }
  bool limit_exceeded() const {
    return instructions_exceeded_ || memory_exceeded_ || deadline_exceeded_ || cancelled_;
  }
  /// Whether the code was stopped by the deadline.
  bool deadline_exceeded() const { return deadline_exceeded_; }
  /// Whether the code was stopped by the cancellation flag.
  bool cancelled() const { return cancelled_; }
  /// Sends the sandbox's `print` output to `sink` instead of standard error.
  void set_print_sink(LuaPrintSink sink) { print_sink_ = std::move(sink); }
  /// Writes one line of `print` output to the sink.
  void Print(const std::string& line) const;

 private:
  static void* Allocate(void* ud, void* ptr, std::size_t old_size, std::size_t new_size);
  static void CountHook(lua_State* L, lua_Debug* ar);
  /// Registers the embedded DSL module `module` in package.preload (read on first require).
  void LoadEmbedded(const char* module);
  [[noreturn]] void ThrowLuaError(int status, const std::string& fallback_file);
  [[noreturn]] void ThrowSyntaxError(int status, const std::string& chunk_name);

  lua_State* L_ = nullptr;
  LuaLimits limits_;
  const StepRegistry& registry_;
  std::string script_dir_;
  std::string main_chunk_;
  bool trace_ = false;
  std::size_t memory_used_ = 0;
  int64_t instructions_run_ = 0;
  bool instructions_exceeded_ = false;
  bool memory_exceeded_ = false;
  std::size_t denied_request_ = 0;  ///< size of the last allocation refused at the cap
  bool deadline_exceeded_ = false;
  bool cancelled_ = false;
  LuaPrintSink print_sink_;
  std::map<std::string, std::string> chunks_;
  std::map<std::string, std::string> param_values_;
};

/// The LuaState that owns `L` (also for coroutines of it).
LuaState& StateOf(lua_State* L);

}  // namespace interpreter
}  // namespace ctp
