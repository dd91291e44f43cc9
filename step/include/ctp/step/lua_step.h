// The contract of a Lua function step as the runner sees it: how it is run (timeout,
// cancellation, where `print` goes), how it ends early, and the function that runs one. The
// interpreter provides that function (`ctp::RunLuaStep`); the runner is handed it, so the runner
// never links the Lua VM.
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

/// A step ran past its timeout; what() is "timed out after Ns".
class StepTimedOut : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A step was stopped by its cancellation flag; what() is "stopped".
class StepStopped : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// "timed out after 2s", "timed out after 0.2s": how a timeout reads in messages.
std::string TimedOutMessage(std::chrono::milliseconds timeout);

/// Runs a Lua function step: (source, inputs, name for messages, options) -> its outputs as text.
using LuaStepFunction = std::function<std::map<std::string, std::string>(
    const std::string& source, const std::map<std::string, std::string>& inputs,
    const std::string& name, const LuaStepOptions& options)>;

}  // namespace ctp
