#include "cnn/deploy_config.h"

#include <fmt/format.h>

#include <fstream>
#include <stdexcept>

#include "ctp/model/json_field.h"

namespace ctp::native {

nlohmann::json ReadDeployConfig(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path)) return nlohmann::json::object();
  std::ifstream in(path);
  nlohmann::json config;
  try {
    config = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(fmt::format("{}: not valid JSON ({})", path.string(), e.what()));
  }
  // The fields deploy and train read; "previous" (the config it replaced) is kept as it is.
  const JsonField root(config, path.string());
  if (!config.is_object())
    root.Fail("must be a JSON object (a deploy config), got " + root.Shown());
  if (const std::optional<JsonField> checkpoint = root.Find("checkpoint"))
    checkpoint->Get<std::string>();
  if (const std::optional<JsonField> metrics = root.Find("metrics"))
    for (const auto& [name, value] : metrics->Members()) value.Get<double>();
  return config;
}

std::optional<std::filesystem::path> DeployedCheckpoint(const std::filesystem::path& path) {
  const nlohmann::json config = ReadDeployConfig(path);
  if (!config.contains("checkpoint")) return std::nullopt;
  std::filesystem::path checkpoint = config["checkpoint"].get<std::string>();  // checked above
  if (checkpoint.is_relative()) checkpoint = path.parent_path() / checkpoint;
  if (!std::filesystem::is_directory(checkpoint))
    throw std::runtime_error(fmt::format("{}: the deployed checkpoint {} does not exist",
                                         path.string(), checkpoint.string()));
  return checkpoint;
}

}  // namespace ctp::native
