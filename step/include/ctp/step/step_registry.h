// Native steps: C++ code that a pipeline runs by name (`ctp.steps.tile{...}` in a script,
// `ctp step tile ...` in a cluster). The registry describes each step's arguments and outputs so
// that scripts are checked when they are loaded.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "ctp/model/pipeline.h"
#include "ctp/step/native_args.h"

namespace ctp {

/// One output of a native step.
struct NativeOutput {
  std::string name;
  ValueKind kind = ValueKind::kParameter;
  std::string doc;
};

/// Progress a running step reports: `done` of `total` units (total 0 = unknown), and a short
/// status text such as "epoch 2/5 loss 0.41".
struct StepProgress {
  double done = 0;
  double total = 0;
  std::string unit;
  std::string text;
};

/// What a running native step sees.
struct StepContext {
  std::map<std::string, std::string> args;  ///< argument values as given (artifacts: local paths)
  ArgValues values;  ///< `args` checked and typed, defaults filled in (set by RunNativeStep)
  std::filesystem::path output_dir;  ///< outputs go to output_dir / NAME, unless
  std::map<std::string, std::filesystem::path> output_paths;  ///< ... a path is given here
  std::ostream* log = nullptr;                                ///< the step's log
  std::function<void(const StepProgress&)> progress;          ///< report progress (may be empty)
  /// Record a metric (name, value, step index such as the epoch; -1 = none).
  std::function<void(const std::string&, double, int)> metric;
  const std::atomic<bool>* cancelled = nullptr;  ///< set when the run is stopping

  /// A string argument's value ("" when absent and without default).
  const std::string& String(const std::string& name) const { return values.String(name); }
  /// A path argument's value (empty when absent and without default).
  std::filesystem::path Path(const std::string& name) const { return values.Path(name); }
  /// A choice argument's value (one of its allowed values).
  const std::string& Choice(const std::string& name) const { return values.Choice(name); }
  /// An int argument's value.
  long long Int(const std::string& name) const { return values.Int(name); }
  /// A float argument's value.
  double Float(const std::string& name) const { return values.Float(name); }
  /// A bool argument's value.
  bool Bool(const std::string& name) const { return values.Bool(name); }
  /// A list argument's items.
  const std::vector<std::string>& List(const std::string& name) const { return values.List(name); }
  /// Whether the argument has a value (given or its default).
  bool Has(const std::string& name) const { return values.Has(name); }
  /// Where output `name` goes: its entry in output_paths, or output_dir / name.
  std::filesystem::path OutputPath(const std::string& name) const;
  /// Writes a parameter output's value (atomically).
  void WriteOutput(const std::string& name, const std::string& value) const;
};

/// A native step: its description and the function that runs it.
struct NativeStep {
  std::string name;
  std::string version;  ///< part of the cache key: bump it when results change
  std::string description;
  std::vector<NativeArg> args;
  std::vector<NativeOutput> outputs;
  std::function<void(StepContext&)> run;  ///< throws std::exception on failure
};

/// Runs `step`: checks and types context.args against its arguments, filling in defaults (the one
/// place they are filled in), into context.values, then calls step.run. Throws ArgError for a bad
/// argument, else what the step throws.
void RunNativeStep(const NativeStep& step, StepContext& context);

/// Native steps by name.
class StepRegistry {
 public:
  /// Adds a step; throws std::invalid_argument if the name is taken or invalid, or an argument is
  /// declared badly (CheckArgDeclaration).
  void Register(NativeStep step);
  /// The step with this name, or nullptr.
  const NativeStep* Find(const std::string& name) const;
  /// Every registered name, sorted.
  std::vector<std::string> Names() const;

  /// The process-wide registry scripts use unless told otherwise.
  static StepRegistry& Default();

 private:
  std::map<std::string, NativeStep> steps_;
};

}  // namespace ctp
