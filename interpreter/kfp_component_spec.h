// KFP component specs (a v1 component.yaml, or the v2 IR YAML kfp.compiler writes for one
// component) read into one plain description that the DSL's component factory (ctp_component.lua)
// turns into container steps.
//
// The description is JSON:
//   { format: "v1"|"v2", name, step_name, description, image, env: {K: V},
//     inputs:  [{ name, key, type, kind: "parameter"|"artifact", optional, default?, description
//     }], outputs: [{ name, key, kind: "parameter"|"artifact"|"metrics", path, description }],
//     command: [ARG...], args: [ARG...] }
// where an ARG is a literal string or one of
//   {input_value: KEY} {input_path: KEY} {output_path: KEY} {is_present: KEY} {workflow_name: true}
//   {concat: [ARG...]} {if: {cond: ARG, then: [ARG...], else: [ARG...]}}
// and KEY is the input's or output's name as a Lua identifier ("Training data" → training_data).
#pragma once

#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace ctp::interpreter {

/// Reads the component spec at `path` (v1 or v2, told apart by its keys). Throws ctp::Error at
/// `path:line` for a missing file, a YAML syntax error, an unknown placeholder, a placeholder
/// naming an undeclared input or output, and a spec ctp cannot run (no container).
nlohmann::json ReadComponentSpec(const std::string& path);

/// A name as a Lua identifier, the way KFP's Python SDK names function arguments: lowercase,
/// runs of other characters become one `_` ("Training data" → "training_data").
std::string ComponentKey(const std::string& name);

/// A name as a DNS-1123 label for the step ("Xgboost train" → "xgboost-train").
std::string ComponentStepName(const std::string& name);

/// Reads a v1 component.yaml (`name`, `inputs`, `outputs`, `implementation.container`).
nlohmann::json ReadComponentV1(const YAML::Node& root, const std::string& path);

/// Reads a v2 single-component IR YAML (`components`, `deploymentSpec.executors`).
nlohmann::json ReadComponentV2(const YAML::Node& root, const std::string& path);

/// Throws ctp::Error at the line of `node` in `path`.
[[noreturn]] void ComponentError(const std::string& path, const YAML::Node& node,
                                 const std::string& message);

/// Checks that every input and output key is unique (two names can map to one key).
void CheckUniqueKeys(const nlohmann::json& spec, const std::string& path, const YAML::Node& at);

/// The names that `key` could be a typo of, as " (did you mean 'x'?)" or "".
std::string KeySuggestion(const std::string& key, const nlohmann::json& entries);

}  // namespace ctp::interpreter
