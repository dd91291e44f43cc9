// What the HTML run report shows: a plain value filled from the run store and the run's files.
// It never holds secret values (only the names of secrets a step uses, if any, appear in params
// as the pipeline declared them).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ctp/model/run_status.h"
#include "ctp/model/step_record.h"

namespace ctp::report {

/// Seconds since the Unix epoch (UTC), with a fractional part.
using Timestamp = double;

/// An edge of the DAG: `to` runs after `from`.
struct DagLink {
  std::string from;  ///< Upstream step.
  std::string to;    ///< Downstream step.
};

/// One value of a metric series, e.g. the loss after epoch `index`.
struct MetricPoint {
  int index = 0;     ///< Epoch or batch number.
  double value = 0;  ///< The metric's value there.
};

/// A metric a step logged with an index (a curve), e.g. train_loss per epoch.
struct MetricSeries {
  std::string step;                 ///< The step that logged it.
  std::string name;                 ///< The metric's name.
  std::vector<MetricPoint> points;  ///< In logging order.
};

/// A metric a step logged once, e.g. accuracy from mlpipeline-metrics.json.
struct ScalarMetric {
  std::string step;  ///< The step that logged it.
  std::string name;  ///< The metric's name.
  double value = 0;  ///< Its value.
};

/// A confusion matrix: counts[target][predicted].
struct ConfusionMatrix {
  std::string step;                            ///< The step that produced it.
  std::vector<std::string> class_names;        ///< Row and column labels, in order.
  std::vector<std::vector<long long>> counts;  ///< class_names.size() squared counts.
};

/// A kept patch of a tiled slide, in level-0 pixels of the slide.
struct PatchBox {
  double x = 0;       ///< Left edge.
  double y = 0;       ///< Top edge.
  double size = 0;    ///< Width and height.
  std::string label;  ///< "positive", "negative" or "none".
};

/// A tiled slide: its thumbnail, the kept patch grid over it, and a prediction heatmap.
struct SlideView {
  std::string slide;                ///< The slide's file name.
  std::string split;                ///< "train", "test", ...
  std::vector<PatchBox> patches;    ///< Kept patches.
  std::string thumbnail_png;        ///< PNG bytes; empty when there is none.
  int thumbnail_width = 0;          ///< Pixels (when thumbnail_png is set).
  int thumbnail_height = 0;         ///< Pixels (when thumbnail_png is set).
  double thumbnail_downsample = 0;  ///< Level-0 pixels per thumbnail pixel.
  std::string heatmap_png;          ///< PNG bytes over the thumbnail's area; may be empty.
};

/// Everything the report shows about one run.
struct RunReport {
  std::string run_id;                                       ///< The run's id.
  std::string pipeline;                                     ///< The pipeline's name.
  std::string script;                                       ///< The script it was loaded from.
  RunStatus status = RunStatus::kPending;                   ///< The run's outcome.
  std::optional<Timestamp> start;                           ///< When the run started.
  std::optional<Timestamp> end;                             ///< When it ended.
  std::vector<std::pair<std::string, std::string>> params;  ///< Resolved values, in order.
  std::vector<StepRecord> steps;                            ///< In declaration order.
  std::map<std::string, std::string> log_tails;  ///< Task → the last lines of its log.txt.
  std::vector<DagLink> edges;                    ///< The DAG's edges.
  std::string exit_handler;                      ///< Its step name, or "".
  std::vector<MetricSeries> series;              ///< Curves.
  std::vector<ScalarMetric> scalars;             ///< Single values.
  std::optional<ConfusionMatrix> confusion;      ///< From the evaluate step.
  std::vector<SlideView> slides;                 ///< Tiled slides.
};

/// Adds a metric logged once, replacing an earlier value of the same step and name.
void AddScalar(RunReport& report, const std::string& step, const std::string& name, double value);

/// Adds a point of a series (index >= 0, e.g. the epoch), replacing an earlier value at the same
/// index of the same step and name.
void AddPoint(RunReport& report, const std::string& step, const std::string& name, int index,
              double value);

}  // namespace ctp::report
