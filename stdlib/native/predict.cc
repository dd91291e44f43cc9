// predict: class probabilities of a checkpoint for every item of a data set (a folder of
// patches or an IDX set), as CSV or JSON; for a slide's patch shard, also a heatmap PNG of one
// class's probability over the slide's thumbnail.
#include <fmt/format.h>

#include <algorithm>

#include "ctp/atomic_file.h"
#include "model_step_support.h"
#include "native_steps.h"
#include "patch_shard.h"
#include "predict_heatmap.h"

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

/// The index of the class the heatmap shows: `heatmap_class`, else "positive", else the last.
std::size_t HeatmapClass(const StepContext& context, const ModelInfo& info) {
  const std::vector<std::string>& names = info.class_names;
  std::string wanted = ArgOr(context, "heatmap_class", "");
  if (wanted.empty())
    wanted = std::count(names.begin(), names.end(), "positive") ? "positive" : names.back();
  const auto found = std::find(names.begin(), names.end(), wanted);
  if (found == names.end())
    throw std::invalid_argument("heatmap_class '" + wanted + "' is not one of the model's classes");
  return std::size_t(found - names.begin());
}

void WriteHeatmap(const StepContext& context, const ModelInfo& info, const Dataset& set,
                  const std::vector<float>& p) {
  const std::filesystem::path shard_path = context.Arg("data");
  if (shard_path.extension() != ".ctpshard")
    throw std::invalid_argument("slide: data must be the slide's .ctpshard file (got '" +
                                shard_path.string() + "')");
  const std::size_t mapped = HeatmapClass(context, info), k = info.class_names.size();
  const PatchShard shard = ReadPatchShard(shard_path);
  HeatmapPatches patches;
  patches.level0_top_left.assign(shard.coords.begin(), shard.coords.begin() + set.size());
  for (std::size_t i = 0; i < set.size(); ++i) patches.probability.push_back(p[i * k + mapped]);
  WriteSlideHeatmap(context.Arg("slide"), int(shard.header.level), int(shard.header.width),
                    int(shard.header.height), std::move(patches), context.OutputPath("heatmap"));
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
  if (!ArgOr(context, "slide", "").empty()) WriteHeatmap(context, model.info, set, p);
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
  step.args.push_back({"slide", "path", false, std::nullopt,
                       "the slide the .ctpshard in data was tiled from: also write a heatmap"});
  step.args.push_back({"heatmap_class", "string", false, std::nullopt,
                       "class whose probability the heatmap shows (default positive, else the "
                       "last class)"});
  step.outputs = {{"predictions", ValueKind::kArtifact,
                   "CSV item,predicted,p_<class>... (or JSON) with one row per item"},
                  {"count", ValueKind::kParameter, "number of items predicted"},
                  {"heatmap", ValueKind::kArtifact,
                   "PNG: the slide's thumbnail, patches tinted blue (0) to red (1) by the mapped "
                   "class's probability (written only with slide)"}};
  step.run = Run;
  return step;
}

}  // namespace ctp::native
