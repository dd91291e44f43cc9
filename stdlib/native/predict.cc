// predict: class probabilities of a checkpoint for every item of a data set (a folder of
// patches or an IDX set), as CSV or JSON. (Per-slide heatmaps over the thumbnail: not yet.)
#include <fmt/format.h>

#include "ctp/atomic_file.h"
#include "model_step_support.h"
#include "native_steps.h"

namespace ctp::native {
namespace {

std::string Csv(const Dataset& set, const ModelInfo& info, const std::vector<float>& p) {
  const std::size_t k = info.class_names.size();
  std::string out = "item,predicted";
  for (const std::string& name : info.class_names) out += ",p_" + name;
  out += "\n";
  const std::vector<int> predicted = ArgMaxRows(p, int(k));
  for (std::size_t i = 0; i < set.size(); ++i) {
    out += set.item_names[i] + "," + info.class_names[predicted[i]];
    for (std::size_t c = 0; c < k; ++c) out += fmt::format(",{:.6f}", p[i * k + c]);
    out += "\n";
  }
  return out;
}

std::string Json(const Dataset& set, const ModelInfo& info, const std::vector<float>& p) {
  const std::size_t k = info.class_names.size();
  const std::vector<int> predicted = ArgMaxRows(p, int(k));
  nlohmann::json items = nlohmann::json::array();
  for (std::size_t i = 0; i < set.size(); ++i)
    items.push_back(
        {{"item", set.item_names[i]},
         {"predicted", info.class_names[predicted[i]]},
         {"probabilities", std::vector<float>(p.begin() + i * k, p.begin() + (i + 1) * k)}});
  return nlohmann::json{{"class_names", info.class_names}, {"predictions", items}}.dump(1) + "\n";
}

void Run(StepContext& context) {
  LoadedModel model = LoadCheckpoint(context.Arg("checkpoint"));
  const Dataset set = LoadDataset(DatasetSourceFromArgs(context, "", "test"));
  CheckDatasetFitsModel(set, model.info, "prediction data");
  const std::string format = ArgOr(context, "format", "csv");
  if (format != "csv" && format != "json")
    throw std::invalid_argument("format '" + format + "': expected csv or json");
  const std::vector<float> p =
      PredictProbabilities(model.network, model.info, set, int(ArgInt(context, "batch_size", 256)));
  WriteFileAtomically(context.OutputPath("predictions"),
                      format == "csv" ? Csv(set, model.info, p) : Json(set, model.info, p));
  if (context.log) *context.log << fmt::format("predict: {} items\n", set.size());
  context.WriteOutput("count", std::to_string(set.size()));
}

}  // namespace

NativeStep MakePredictStep() {
  NativeStep step;
  step.name = "predict";
  step.version = "1";
  step.description = "Writes class probabilities of a checkpoint for every item of a data set.";
  step.args = {{"checkpoint", "path", true, std::nullopt, "checkpoint folder (train's output)"}};
  for (NativeArg& arg : DatasetArgs("", "test", true)) step.args.push_back(std::move(arg));
  step.args.push_back({"format", "string", false, "csv", "csv | json"});
  step.args.push_back({"batch_size", "int", false, "256", "images per forward pass"});
  step.outputs = {{"predictions", ValueKind::kArtifact,
                   "CSV item,predicted,p_<class>... (or JSON) with one row per item"},
                  {"count", ValueKind::kParameter, "number of items predicted"}};
  step.run = Run;
  return step;
}

}  // namespace ctp::native
