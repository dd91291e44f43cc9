// The predict step over slides: each slide's patches (the tile step's shard) predicted, its
// heatmap written, and the share of its patches predicted as each class. One slide's failure
// (unreadable, no patches) is recorded and the other slides still get their heatmaps.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "cnn/model_checkpoint.h"

namespace ctp::native {

/// One slide to predict and the tile step's shard of its patches.
struct SlideToPredict {
  std::filesystem::path slide;  ///< The slide file.
  std::filesystem::path shard;  ///< Its `.ctpshard` (may be missing: then it has no patches).
};

/// The slides the predict step's `slide` and `data` arguments name: a slide file with `data` its
/// `.ctpshard`, or a folder of slides with `data` the folder of their shards
/// (`<data>/<stem>.ctpshard`). Throws std::invalid_argument for a missing path, a folder without
/// slides, or a `data` that does not fit.
std::vector<SlideToPredict> SlidesToPredict(const std::filesystem::path& slide,
                                            const std::filesystem::path& data);

/// How to predict each slide.
struct SlidePredictOptions {
  int batch_size = 256;            ///< Images per forward pass.
  std::size_t limit = 0;           ///< Patches per slide (0 = all).
  std::size_t heatmap_class = 0;   ///< Index of the class whose probability is painted.
  std::filesystem::path heatmaps;  ///< Folder of the `<stem>.heatmap.png` files.
};

/// What predicting one slide gave.
struct SlidePrediction {
  std::filesystem::path slide;          ///< The slide file.
  std::vector<std::string> item_names;  ///< One per patch: `<stem>.ctpshard@x,y`.
  std::vector<float> probabilities;     ///< Patches × classes, row-major.
  std::filesystem::path heatmap;        ///< The heatmap written (empty when it failed).
  std::string error;                    ///< Why it failed, naming the file; empty on success.
};

/// The heatmap file of `slide` in `heatmaps`: `<stem>.heatmap.png`.
std::filesystem::path HeatmapFileOf(const std::filesystem::path& heatmaps,
                                    const std::filesystem::path& slide);

/// Predicts every slide's patches with `model` and writes its heatmap (atomically); a slide that
/// cannot be read or has no patches gets an error and no heatmap. Logs one line per slide.
std::vector<SlidePrediction> PredictSlides(const std::vector<SlideToPredict>& slides,
                                           LoadedModel& model, const SlidePredictOptions& options,
                                           std::ostream* log);

/// The share of items predicted (arg max) as each class: {"<class>": fraction}.
nlohmann::ordered_json ClassFractions(const std::vector<float>& probabilities,
                                      const std::vector<std::string>& class_names);

/// The summary document: the model's classes, how many items were predicted and the share of
/// them predicted as each class (`probabilities`: every item predicted, items × classes); with
/// slides, also the mapped class, each slide's patches, fractions and heatmap, and the slides
/// that failed with their errors.
nlohmann::ordered_json PredictionSummary(const ModelInfo& info,
                                         const std::vector<float>& probabilities,
                                         const std::vector<SlidePrediction>& slides,
                                         const std::string& heatmap_class);

}  // namespace ctp::native
