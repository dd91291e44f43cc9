// deploy: promotes a checkpoint into model-deploy-config.json only if it beats the deployed one
// on a metric, and says why either way. The config is written atomically.
#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cnn/deploy_config.h"
#include "ctp/base/atomic_file.h"
#include "native_steps.h"

namespace ctp::native {
namespace {

void Run(StepContext& context) {
  const std::filesystem::path config_path = context.Path("config");
  const std::string& metric = context.String("metric");
  const double candidate = context.Float("value");
  const std::string checkpoint = context.Path("checkpoint").string();
  const double min_gain = context.Float("min_improvement");

  nlohmann::json config = ReadDeployConfig(config_path);
  std::string reason;
  bool promote = false;
  if (!config.contains("checkpoint")) {
    promote = true;
    reason = fmt::format("no model deployed yet: promoting {} ({} {:.4f})", checkpoint, metric,
                         candidate);
  } else {
    const double deployed = config.value("metrics", nlohmann::json::object()).value(metric, -1.0);
    promote = candidate > deployed + min_gain;
    reason = fmt::format("{} {:.4f} {} the deployed {:.4f} ({}){}", metric, candidate,
                         promote ? "beats" : "does not beat", deployed,
                         config.value("checkpoint", std::string("?")),
                         min_gain > 0 ? fmt::format(" by more than {}", min_gain) : "");
  }
  if (promote) {
    nlohmann::json previous = config;
    config = {{"checkpoint", checkpoint},
              {"metrics", {{metric, candidate}}},
              {"promoted_at", std::chrono::duration_cast<std::chrono::seconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count()}};
    if (previous.contains("checkpoint")) config["previous"] = previous;
    base::WriteFileAtomically(config_path, config.dump(2) + "\n");
  }
  if (context.log) *context.log << "deploy: " << reason << "\n";
  context.WriteOutput("promoted", promote ? "true" : "false");
  context.WriteOutput("reason", reason);
  context.WriteOutput("deployed", config.value("checkpoint", std::string()));
}

}  // namespace

NativeStep MakeDeployStep() {
  NativeStep step;
  step.name = "deploy";
  step.version = "1";
  step.description =
      "Promotes a checkpoint in model-deploy-config.json when it beats the deployed one.";
  step.args = {
      {"config", ArgType::kPath, true, std::nullopt,
       "the deploy config (model-deploy-config.json)"},
      {"checkpoint", ArgType::kPath, true, std::nullopt, "the candidate checkpoint folder"},
      {"value", ArgType::kFloat, true, std::nullopt, "the candidate's metric value"},
      {"metric", ArgType::kString, false, "accuracy", "the metric compared (higher is better)"},
      {"min_improvement", ArgType::kFloat, false, "0", "promote only above deployed + this"}};
  step.outputs = {{"promoted", ValueKind::kParameter, "true when the candidate was promoted"},
                  {"reason", ValueKind::kParameter, "why it was or was not promoted"},
                  {"deployed", ValueKind::kParameter, "the checkpoint deployed now"}};
  step.run = Run;
  return step;
}

}  // namespace ctp::native
