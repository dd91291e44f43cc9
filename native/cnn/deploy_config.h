// model-deploy-config.json: which checkpoint is deployed, with its metrics. `deploy` writes it;
// `train` reads it to warm-start from the deployed model.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>

namespace ctp::native {

/// The config at `path`, or an empty object when there is none yet. Throws std::runtime_error
/// naming the file (and the field) when it is not a JSON object, or "checkpoint" is not a string
/// or "metrics" not an object of numbers.
nlohmann::json ReadDeployConfig(const std::filesystem::path& path);

/// The checkpoint folder the config at `path` deploys, or nullopt when nothing is deployed yet.
/// Relative checkpoint paths are taken relative to the config's folder. Throws
/// std::runtime_error naming the file when the config is malformed or its checkpoint is missing.
std::optional<std::filesystem::path> DeployedCheckpoint(const std::filesystem::path& path);

}  // namespace ctp::native
