// evaluate: scores a checkpoint on a labelled data set; writes KFP v1 metrics
// (mlpipeline-metrics.json, mlpipeline-ui-metadata.json with the confusion matrix) and the
// `accuracy` parameter.
#include <fmt/format.h>

#include "cnn/evaluate_metrics.h"
#include "cnn/model_step_support.h"
#include "ctp/base/atomic_file.h"
#include "native_steps.h"

namespace ctp::native {
namespace {

void Run(StepContext& context) {
  LoadedModel model = LoadCheckpoint(context.Path("checkpoint"), DeviceFromArgs(context));
  const Dataset set = LoadDataset(DatasetSourceFromArgs(context, ""));
  CheckDatasetFitsModel(set, model.info, "evaluation data");
  for (int label : set.labels)
    if (label < 0) throw std::runtime_error("evaluation data has unlabelled items");
  const int batch_size = int(context.Int("batch_size"));
  if (batch_size < 1) throw std::invalid_argument("batch_size must be >= 1");
  const std::vector<int> predicted =
      ArgMaxRows(PredictProbabilities(model.network, model.info, set, batch_size),
                 int(model.info.class_names.size()));
  const ClassificationReport report = Score(set.labels, predicted, model.info.class_names);

  if (context.log) {
    *context.log << fmt::format("evaluate: {} items, accuracy {:.4f}, macro F1 {:.4f}\n",
                                set.size(), report.accuracy, report.macro_f1);
    for (std::size_t c = 0; c < report.class_names.size(); ++c)
      *context.log << fmt::format("  {:<16} precision {:.4f} recall {:.4f} f1 {:.4f}\n",
                                  report.class_names[c], report.precision[c], report.recall[c],
                                  report.f1[c]);
  }
  if (context.metric) {
    context.metric("accuracy", report.accuracy, -1);
    context.metric("macro_f1", report.macro_f1, -1);
  }
  base::WriteFileAtomically(context.OutputPath("mlpipeline_metrics"),
                            KfpMetrics(report).dump(2) + "\n");
  base::WriteFileAtomically(context.OutputPath("mlpipeline_ui_metadata"),
                            KfpUiMetadata(report).dump(2) + "\n");
  context.WriteOutput("accuracy", fmt::format("{:.6f}", report.accuracy));
}

}  // namespace

NativeStep MakeEvaluateStep() {
  NativeStep step;
  step.name = "evaluate";
  step.version = "1";
  step.description = "Scores a checkpoint on labelled data: accuracy, per-class P/R/F1, confusion.";
  step.args = {
      {"checkpoint", ArgType::kPath, true, std::nullopt, "checkpoint folder (train's output)"}};
  for (NativeArg& arg : DatasetArgs("", "t10k", true)) step.args.push_back(std::move(arg));
  step.args.push_back({"batch_size", ArgType::kInt, false, "256", "images per forward pass"});
  step.args.push_back(DeviceArg(kModelDeviceDoc));
  step.outputs = {{"accuracy", ValueKind::kParameter, "fraction of items classified correctly"},
                  {"mlpipeline_metrics", ValueKind::kMetrics,
                   "KFP v1 metrics JSON (accuracy, macro_f1, per-class precision/recall/f1)"},
                  {"mlpipeline_ui_metadata", ValueKind::kArtifact,
                   "KFP v1 UI metadata JSON with the confusion matrix"}};
  step.run = Run;
  return step;
}

}  // namespace ctp::native
