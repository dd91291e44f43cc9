// Placeholder resolution for local runs: references become values and local paths, and `when`
// conditions and loop items are evaluated the way Argo evaluates them.
#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "ctp/model/pipeline.h"

namespace ctp::runner {

/// What references resolve to for one task.
struct ValueScope {
  const std::map<std::string, std::string>* params = nullptr;  ///< parameter values as text
  /// The value of a step output (parameters: the text; artifacts: the local path).
  std::function<std::string(const Ref&)> step_output;
  /// Where this task writes output `name`.
  std::function<std::string(const std::string&)> output_path;
  const nlohmann::json* item = nullptr;  ///< the loop item, when in a loop
  std::string workflow_status;
  std::string workflow_name;
};

/// The text of one reference. Throws std::runtime_error when it cannot be resolved.
std::string ResolveRef(const Ref& ref, const ValueScope& scope);

/// The text of a template with every reference resolved.
std::string ResolveTemplate(const Template& value, const ValueScope& scope);

/// Whether `condition` holds, each comparison compared as its `compare` says. Throws
/// std::runtime_error when a side compared as a number is not one (Argo and KFP fail the same).
bool EvaluateCondition(const Condition& condition, const ValueScope& scope);

/// The items of a loop: its literal items or the JSON list its reference resolves to. Throws
/// std::runtime_error naming the step when the reference is not a JSON list.
std::vector<nlohmann::json> LoopItems(const Step& step, const ValueScope& scope);

/// A JSON value as a step sees it: strings without quotes, everything else as JSON.
std::string JsonText(const nlohmann::json& value);

}  // namespace ctp::runner
