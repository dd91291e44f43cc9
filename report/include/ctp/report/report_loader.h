// Filling a RunReport from files a run leaves behind, independent of the run store: each step's
// log.txt and KFP documents under <run-dir>/<step>/, and the tile step's per-slide metadata,
// thumbnails and heatmaps in the data volume. See docs/report.md for the file contract.
#pragma once

#include <cstddef>
#include <filesystem>

#include "ctp/report/run_report.h"

namespace ctp::report {

/// For each step folder <run_dir>/<step>/: the tail of log.txt (into the StepRecord of that
/// name, if the report has one) and its "metric:" lines; under outputs/, files named
/// mlpipeline-metrics[.json] / mlpipeline_metrics (scalars), mlpipeline-ui-metadata[.json] /
/// mlpipeline_ui_metadata (confusion matrix), and <slide-stem>.heatmap.png (heatmaps). Throws
/// std::runtime_error("<file>: <problem>") for a malformed file; a missing folder is an error.
/// A looped step's iterations, <run_dir>/<step>/<i>/, are read likewise as tasks `step[i]`.
void LoadRunFolder(const std::filesystem::path& run_dir, RunReport& report);

/// Adds up to `max_slides` slides (sorted by file name) from <data_root>/preprocess-metadata/
/// <stem>.json: the kept patches and, when the metadata names one, the thumbnail. A missing
/// folder adds nothing. Throws std::runtime_error("<file>: <problem>") for a malformed file.
void LoadTiledSlides(const std::filesystem::path& data_root, RunReport& report,
                     std::size_t max_slides = 12);

}  // namespace ctp::report
