// predict: class probabilities of a checkpoint for every item of a data set (a folder of
// patches or an IDX set), as CSV or JSON, with a summary of the share predicted as each class;
// for slides (one slide file with its patch shard, or a folder of slides with the folder of their
// shards), also a heatmap PNG per slide of one class's probability over the slide's thumbnail.
#include <fmt/format.h>

#include <algorithm>

#include "cnn/model_step_support.h"
#include "cnn/predict_slides.h"
#include "ctp/base/atomic_file.h"
#include "native_steps.h"

namespace ctp::native {
namespace {

namespace fs = std::filesystem;

std::string Csv(const std::vector<std::string>& items, const ModelInfo& info,
                const std::vector<float>& p) {
  const std::size_t k = info.class_names.size();
  std::string out = "item,predicted";
  for (const std::string& name : info.class_names) out += ",p_" + name;
  out += "\n";
  const std::vector<int> predicted = ArgMaxRows(p, int(k));
  for (std::size_t i = 0; i < items.size(); ++i) {
    out += items[i] + "," + info.class_names[predicted[i]];
    for (std::size_t c = 0; c < k; ++c) out += fmt::format(",{:.6f}", p[i * k + c]);
    out += "\n";
  }
  return out;
}

std::string Json(const std::vector<std::string>& items, const ModelInfo& info,
                 const std::vector<float>& p) {
  const std::size_t k = info.class_names.size();
  const std::vector<int> predicted = ArgMaxRows(p, int(k));
  nlohmann::json rows = nlohmann::json::array();
  for (std::size_t i = 0; i < items.size(); ++i)
    rows.push_back(
        {{"item", items[i]},
         {"predicted", info.class_names[predicted[i]]},
         {"probabilities", std::vector<float>(p.begin() + i * k, p.begin() + (i + 1) * k)}});
  return nlohmann::json{{"class_names", info.class_names}, {"predictions", rows}}.dump(1) + "\n";
}

/// The index of the class the heatmap shows: `heatmap_class`, else "positive", else the last.
std::size_t HeatmapClass(const StepContext& context, const ModelInfo& info) {
  const std::vector<std::string>& names = info.class_names;
  std::string wanted = context.String("heatmap_class");
  if (wanted.empty())
    wanted = std::count(names.begin(), names.end(), "positive") ? "positive" : names.back();
  const auto found = std::find(names.begin(), names.end(), wanted);
  if (found == names.end())
    throw std::invalid_argument("heatmap_class '" + wanted + "' is not one of the model's classes");
  return std::size_t(found - names.begin());
}

/// Every slide's error in one message: the error itself for a lone slide, else how many failed.
std::string SlidesFailed(const std::vector<SlidePrediction>& results, std::size_t failed) {
  std::string errors;
  for (const SlidePrediction& result : results)
    if (!result.error.empty()) errors += (errors.empty() ? "" : "; ") + result.error;
  if (results.size() == 1) return errors;
  return fmt::format("{} of {} slides failed{}: {}", failed, results.size(),
                     failed < results.size() ? " (the others' heatmaps are written)" : "", errors);
}

void Run(StepContext& context) {
  LoadedModel model = LoadCheckpoint(context.Path("checkpoint"), DeviceFromArgs(context));
  const std::string& format = context.Choice("format");
  const DatasetSource source = DatasetSourceFromArgs(context, "");
  const int batch_size = int(context.Int("batch_size"));
  const fs::path heatmaps = context.OutputPath("heatmaps");
  std::vector<std::string> items;
  std::vector<float> p;
  std::vector<SlidePrediction> slides;
  std::size_t failed = 0;
  std::string heatmap_class;
  if (const std::filesystem::path slide = context.Path("slide"); slide.empty()) {
    const Dataset set = LoadDataset(source);
    CheckDatasetFitsModel(set, model.info, "prediction data");
    p = PredictProbabilities(model.network, model.info, set, batch_size);
    items = set.item_names;
  } else {
    const std::size_t mapped = HeatmapClass(context, model.info);
    heatmap_class = model.info.class_names[mapped];
    const std::vector<SlideToPredict> jobs = SlidesToPredict(slide, source.data);
    slides = PredictSlides(jobs, model, {batch_size, source.limit, mapped, heatmaps}, context.log);
    for (const SlidePrediction& result : slides) {
      failed += !result.error.empty();
      items.insert(items.end(), result.item_names.begin(), result.item_names.end());
      p.insert(p.end(), result.probabilities.begin(), result.probabilities.end());
    }
    if (failed == slides.size()) throw std::runtime_error(SlidesFailed(slides, failed));
  }
  fs::create_directories(heatmaps);
  base::WriteFileAtomically(context.OutputPath("predictions"), format == "csv"
                                                                   ? Csv(items, model.info, p)
                                                                   : Json(items, model.info, p));
  base::WriteFileAtomically(context.OutputPath("summary"),
                            PredictionSummary(model.info, p, slides, heatmap_class).dump(1) + "\n");
  if (context.log) *context.log << fmt::format("predict: {} items\n", items.size());
  context.WriteOutput("count", std::to_string(items.size()));
  context.WriteOutput("slides", std::to_string(slides.size() - failed));
  if (failed > 0) throw std::runtime_error(SlidesFailed(slides, failed));
}

}  // namespace

NativeStep MakePredictStep() {
  NativeStep step;
  step.name = "predict";
  step.version = "2";
  step.description = "Writes class probabilities of a checkpoint for every item of a data set.";
  step.args = {
      {"checkpoint", ArgType::kPath, true, std::nullopt, "checkpoint folder (train's output)"}};
  for (NativeArg& arg : DatasetArgs("", "test", true)) step.args.push_back(std::move(arg));
  step.args.push_back(
      {"format", ArgType::kChoice, false, "csv", "predictions file format", {"csv", "json"}});
  step.args.push_back({"batch_size", ArgType::kInt, false, "256", "images per forward pass"});
  step.args.push_back({"slide", ArgType::kPath, false, std::nullopt,
                       "a slide whose .ctpshard is data, or a folder of slides whose shards "
                       "(<stem>.ctpshard) are in the folder data: also write heatmaps"});
  step.args.push_back({"heatmap_class", ArgType::kString, false, std::nullopt,
                       "class whose probability the heatmap shows (default positive, else the "
                       "last class)"});
  step.args.push_back(DeviceArg(kModelDeviceDoc));
  step.outputs = {
      {"predictions", ValueKind::kArtifact,
       "CSV item,predicted,p_<class>... (or JSON) with one row per item"},
      {"count", ValueKind::kParameter, "number of items predicted"},
      {"summary", ValueKind::kArtifact,
       "JSON: items and the share predicted as each class, overall and per slide; slides that "
       "failed, with their errors"},
      {"heatmaps", ValueKind::kArtifact,
       "folder of <slide-stem>.heatmap.png: the slide's thumbnail, patches tinted blue (0) to "
       "red (1) by the mapped class's probability (empty without slide)"},
      {"slides", ValueKind::kParameter, "number of slides with a heatmap (0 without slide)"}};
  step.run = Run;
  return step;
}

}  // namespace ctp::native
