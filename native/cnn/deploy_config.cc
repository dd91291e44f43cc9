#include "cnn/deploy_config.h"

#include <fmt/format.h>

#include <fstream>
#include <stdexcept>

namespace ctp::native {

nlohmann::json ReadDeployConfig(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path)) return nlohmann::json::object();
  std::ifstream in(path);
  nlohmann::json config = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!config.is_object())
    throw std::runtime_error(path.string() + ": not a JSON object (a deploy config is expected)");
  return config;
}

std::optional<std::filesystem::path> DeployedCheckpoint(const std::filesystem::path& path) {
  const nlohmann::json config = ReadDeployConfig(path);
  if (!config.contains("checkpoint")) return std::nullopt;
  if (!config["checkpoint"].is_string())
    throw std::runtime_error(path.string() + ": \"checkpoint\" must be a string");
  std::filesystem::path checkpoint = config["checkpoint"].get<std::string>();
  if (checkpoint.is_relative()) checkpoint = path.parent_path() / checkpoint;
  if (!std::filesystem::is_directory(checkpoint))
    throw std::runtime_error(fmt::format("{}: the deployed checkpoint {} does not exist",
                                         path.string(), checkpoint.string()));
  return checkpoint;
}

}  // namespace ctp::native
