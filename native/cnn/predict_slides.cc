#include "cnn/predict_slides.h"

#include <fmt/format.h>

#include <stdexcept>

#include "cnn/model_step_support.h"
#include "patches/patch_shard.h"
#include "cnn/predict_heatmap.h"
#include "slide/slide_files.h"

namespace ctp::native {
namespace {

namespace fs = std::filesystem;

std::string Join(const std::vector<std::string>& parts, const std::string& separator) {
  std::string out;
  for (const std::string& part : parts) out += (out.empty() ? "" : separator) + part;
  return out;
}

/// Predicts one slide's patches and writes its heatmap; throws std::runtime_error naming the
/// slide (or its shard) when it has no patches or cannot be read.
void PredictSlide(const SlideToPredict& job, LoadedModel& model, const SlidePredictOptions& options,
                  SlidePrediction& out) {
  if (!fs::exists(job.shard))
    throw std::runtime_error(job.slide.string() + ": no patches (" + job.shard.string() +
                             " does not exist: tile the slide first)");
  const PatchShard shard = ReadPatchShard(job.shard);
  if (shard.header.count == 0)
    throw std::runtime_error(job.slide.string() + ": no patches (" + job.shard.string() +
                             " holds none)");
  DatasetSource source;
  source.data = job.shard;
  source.limit = options.limit;
  const Dataset set = LoadDataset(source);
  CheckDatasetFitsModel(set, model.info, job.shard.string());
  std::vector<float> p = PredictProbabilities(model.network, model.info, set, options.batch_size);
  const std::size_t k = model.info.class_names.size();
  HeatmapPatches patches;
  patches.level0_top_left.assign(shard.coords.begin(), shard.coords.begin() + set.size());
  for (std::size_t i = 0; i < set.size(); ++i)
    patches.probability.push_back(p[i * k + options.heatmap_class]);
  const fs::path heatmap = HeatmapFileOf(options.heatmaps, job.slide);
  WriteSlideHeatmap(job.slide, int(shard.header.level), int(shard.header.width),
                    int(shard.header.height), std::move(patches), heatmap);
  out.item_names = set.item_names;
  out.probabilities = std::move(p);
  out.heatmap = heatmap;
}

}  // namespace

std::vector<SlideToPredict> SlidesToPredict(const fs::path& slide, const fs::path& data) {
  if (!fs::exists(slide))
    throw std::invalid_argument("slide '" + slide.string() + "': no such file or folder");
  if (!fs::is_directory(slide)) {
    if (data.extension() != ".ctpshard")
      throw std::invalid_argument("slide: data must be the slide's .ctpshard file (got '" +
                                  data.string() + "')");
    return {{slide, data}};
  }
  if (!fs::is_directory(data))
    throw std::invalid_argument(
        "slide: with a folder of slides, data must be the folder of their .ctpshard files (got '" +
        data.string() + "')");
  std::vector<SlideToPredict> jobs;
  for (const fs::path& file : SlideFilesIn(slide))
    jobs.push_back({file, data / (file.stem().string() + ".ctpshard")});
  if (jobs.empty())
    throw std::invalid_argument(slide.string() + ": no slides in this folder (expected " +
                                Join(SlideExtensions(), ", ") + " files)");
  return jobs;
}

fs::path HeatmapFileOf(const fs::path& heatmaps, const fs::path& slide) {
  return heatmaps / (slide.stem().string() + ".heatmap.png");
}

std::vector<SlidePrediction> PredictSlides(const std::vector<SlideToPredict>& slides,
                                           LoadedModel& model, const SlidePredictOptions& options,
                                           std::ostream* log) {
  std::vector<SlidePrediction> results;
  for (const SlideToPredict& job : slides) {
    SlidePrediction& result = results.emplace_back();
    result.slide = job.slide;
    try {
      PredictSlide(job, model, options, result);
    } catch (const std::runtime_error& error) {
      result.error = error.what();
    }
    if (!log) continue;
    if (!result.error.empty()) {
      *log << "predict: " << result.error << "\n";
      continue;
    }
    *log << fmt::format("predict: {}: {} patches", job.slide.filename().string(),
                        result.item_names.size());
    const nlohmann::ordered_json fractions =
        ClassFractions(result.probabilities, model.info.class_names);
    for (const auto& [name, fraction] : fractions.items())
      *log << fmt::format(", {} {:.3f}", name, fraction.get<double>());
    *log << " -> " << result.heatmap.filename().string() << "\n";
  }
  return results;
}

nlohmann::ordered_json ClassFractions(const std::vector<float>& probabilities,
                                      const std::vector<std::string>& class_names) {
  std::vector<std::size_t> counts(class_names.size(), 0);
  const std::vector<int> predicted = ArgMaxRows(probabilities, int(class_names.size()));
  for (int c : predicted) ++counts[std::size_t(c)];
  nlohmann::ordered_json fractions = nlohmann::ordered_json::object();
  for (std::size_t c = 0; c < class_names.size(); ++c)
    fractions[class_names[c]] =
        predicted.empty() ? 0.0 : double(counts[c]) / double(predicted.size());
  return fractions;
}

nlohmann::ordered_json PredictionSummary(const ModelInfo& info,
                                         const std::vector<float>& probabilities,
                                         const std::vector<SlidePrediction>& slides,
                                         const std::string& heatmap_class) {
  nlohmann::ordered_json summary;
  summary["class_names"] = info.class_names;
  summary["items"] = probabilities.size() / info.class_names.size();
  summary["fractions"] = ClassFractions(probabilities, info.class_names);
  if (slides.empty()) return summary;
  summary["heatmap_class"] = heatmap_class;
  summary["slides"] = nlohmann::ordered_json::array();
  summary["failed"] = nlohmann::ordered_json::array();
  for (const SlidePrediction& slide : slides) {
    if (!slide.error.empty()) {
      summary["failed"].push_back(
          {{"slide", slide.slide.filename().string()}, {"error", slide.error}});
      continue;
    }
    summary["slides"].push_back(
        {{"slide", slide.slide.filename().string()},
         {"patches", slide.item_names.size()},
         {"fractions", ClassFractions(slide.probabilities, info.class_names)},
         {"heatmap", slide.heatmap.filename().string()}});
  }
  return summary;
}

}  // namespace ctp::native
