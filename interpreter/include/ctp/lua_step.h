// Running a Lua function step: the function's self-contained source in a fresh sandboxed state.
// The local runner and `ctp exec` (the ctp image in a cluster) both run steps this way.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>

namespace ctp {

/// How a Lua step runs beyond its source and inputs.
struct LuaStepOptions {
  /// The step fails with StepTimedOut when it runs longer; none = no limit.
  std::optional<std::chrono::milliseconds> timeout;
  /// Set by another thread to stop the step (it then fails with StepStopped); may be null.
  const std::atomic<bool>* cancelled = nullptr;
  /// Receives each line the step's `print` writes; empty = standard error.
  std::function<void(const std::string&)> print;
};

/// A Lua step ran past its timeout; what() is "timed out after Ns".
class StepTimedOut : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A Lua step was stopped by its cancellation flag; what() is "stopped".
class StepStopped : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// "timed out after 2s", "timed out after 0.2s": how a timeout reads in messages.
std::string TimedOutMessage(std::chrono::milliseconds timeout);

/// Calls the function that `source` (a chunk `return function(inputs) ... end`) returns, with
/// `inputs` as a table of strings. Returns the fields of the table it returns as text: strings as
/// they are, numbers and booleans in canonical form, tables as JSON. `name` names the chunk in
/// messages. Throws ctp::Error for Lua errors and when the result is not a table.
std::map<std::string, std::string> RunLuaStep(const std::string& source,
                                              const std::map<std::string, std::string>& inputs,
                                              const std::string& name,
                                              const LuaStepOptions& options = {});

}  // namespace ctp
