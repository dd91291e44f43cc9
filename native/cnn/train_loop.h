// The training loop of the `train` step: epochs of shuffled, augmented batches through a
// Sequential with SGD or Adam and a learning-rate schedule, reporting progress and metrics.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

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

/// What the loop reports (StepContext's callbacks; either may be empty) and obeys.
struct TrainReporting {
  std::function<void(const StepProgress&)> progress;
  std::function<void(const std::string&, double, int)> metric;
  const std::atomic<bool>* cancelled = nullptr;
  /// Called after each epoch with its index (from 1); may evaluate a held-out set.
  std::function<void(int epoch)> after_epoch;
};

/// Per-run results of the last epoch.
struct TrainResult {
  double loss = 0, accuracy = 0, images_per_second = 0;
};

/// The learning-rate schedule of `options` for `steps_per_epoch` batches per epoch.
kernels::cnn::LearningRateSchedule MakeSchedule(const TrainOptions& options, int steps_per_epoch);

/// Trains `network` on `set`. Per epoch it records metrics train_loss, train_accuracy,
/// images_per_second and learning_rate (index = epoch); progress every few batches.
/// Throws std::runtime_error("cancelled") when `cancelled` is set.
TrainResult TrainNetwork(kernels::cnn::Sequential& network, const Dataset& set,
                         const Normalization& normalization, const TrainOptions& options,
                         const TrainReporting& reporting);

}  // namespace ctp::native
