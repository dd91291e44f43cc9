// The training loop of the `train` step: epochs of shuffled, augmented batches through a
// Sequential with SGD or Adam and a learning-rate schedule, reporting progress and metrics.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ctp/kernels/cnn/optimizer.h"
#include "ctp/kernels/cnn/sequential.h"
#include "ctp/step/step_registry.h"
#include "data/dataset_batches.h"

namespace ctp::native {

/// How to train.
struct TrainOptions {
  int epochs = 5;
  int batch_size = 128;
  std::string optimizer = "sgd";  ///< sgd | adam | adamw
  kernels::cnn::SgdOptions sgd;
  kernels::cnn::AdamOptions adam;
  std::string schedule = "constant";  ///< constant | step | cosine (stepped per batch)
  float learning_rate = 0.05f;
  int step_epochs = 1;  ///< step schedule: multiply by gamma every step_epochs epochs
  float gamma = 0.1f;
  float min_learning_rate = 0.0f;  ///< cosine floor
  AugmentOptions augment;
  std::uint64_t seed = 0;
};

/// Per-run results of the last epoch.
struct TrainResult {
  double loss = 0, accuracy = 0, images_per_second = 0;
};

/// One metric as reported: name, value and index (the epoch).
struct RecordedMetric {
  std::string name;
  double value = 0;
  int index = -1;
};

/// How far a training has come. The loop starts from it and keeps it current, so that a resume
/// checkpoint can record it and a resumed training continue exactly from it.
struct TrainProgress {
  int epoch = 1;                   ///< the epoch under way, from 1 (epochs + 1 once all are done)
  int batch = 0;                   ///< batches of it done
  std::int64_t schedule_step = 0;  ///< the learning-rate schedule's position: batches done in all
  double loss_sum = 0;             ///< the epoch so far: loss summed over its items,
  std::int64_t correct = 0;        ///< items classified right,
  std::int64_t seen = 0;           ///< items seen,
  double seconds = 0;              ///< and seconds spent
  TrainResult last;                ///< the results of the last finished epoch
  std::vector<RecordedMetric> metrics;  ///< every metric reported so far (kept by the caller)
};

/// What the loop reports (StepContext's callbacks; any may be empty) and obeys.
struct TrainReporting {
  std::function<void(const StepProgress&)> progress;
  std::function<void(const std::string&, double, int)> metric;
  const std::atomic<bool>* cancelled = nullptr;
  /// Called after each epoch with its index (from 1); may evaluate a held-out set.
  std::function<void(int epoch)> after_epoch;
  /// Called where training may be resumed from: after each batch but an epoch's last (epoch_end
  /// false), and after each epoch's end, its metrics and after_epoch (epoch_end true).
  std::function<void(const TrainProgress& progress, bool epoch_end)> resume_point;
};

/// The learning-rate schedule of `options` for `steps_per_epoch` batches per epoch.
kernels::cnn::LearningRateSchedule MakeSchedule(const TrainOptions& options, int steps_per_epoch);

/// Trains `network` on `set` from `progress` on (a default TrainProgress: from the start), keeping
/// `progress` current. Per epoch it records metrics train_loss, train_accuracy, images_per_second
/// and learning_rate (index = epoch); progress every few batches. Returns the last epoch's
/// results. Throws std::runtime_error("cancelled") when `cancelled` is set.
TrainResult TrainNetwork(kernels::cnn::Sequential& network, const Dataset& set,
                         const Normalization& normalization, const TrainOptions& options,
                         const TrainReporting& reporting, TrainProgress& progress);

}  // namespace ctp::native
