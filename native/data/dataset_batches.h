// Turning a Dataset into normalised float batches: shuffling, augmentation (flips, 90° rotations,
// random crops) and a prefetch thread that prepares the next batches while the network computes.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "data/dataset.h"

namespace ctp::native {

/// Per-channel input normalisation on pixels scaled to [0, 1]: (x/255 − mean) / std.
struct Normalization {
  std::vector<float> mean, std;
};

/// Mean and (unbiased) standard deviation per channel over every pixel of `set`.
Normalization ComputeNormalization(const Dataset& set);

/// Random augmentations applied per item (training only).
struct AugmentOptions {
  bool horizontal_flip = false;
  bool vertical_flip = false;
  bool rotate90 = false;  ///< k·90° with k uniform in 0..3 (square images only)
  int crop_padding = 0;   ///< pad by this many zero pixels, then crop back at a random offset
  bool Any() const { return horizontal_flip || vertical_flip || rotate90 || crop_padding > 0; }
};

/// One batch: inputs {count, C, H, W} and labels as floats (the kernels' label format).
struct Batch {
  std::vector<float> inputs;
  std::vector<float> labels;
  std::size_t first = 0;  ///< position of the batch's first item in the order
  int count = 0;
};

/// The items of `order` from position `start` on in batches of `batch_size` (the last may be
/// smaller), prepared on a background thread at most two batches ahead. Augmentation draws depend
/// only on (seed, item position), so a run is reproducible whatever the thread timing, and a
/// stream that starts at a later position continues one that started at 0 exactly.
class BatchStream {
 public:
  BatchStream(const Dataset& set, std::vector<std::size_t> order, int batch_size,
              Normalization normalization, AugmentOptions augment, std::uint64_t seed,
              std::size_t start = 0);
  ~BatchStream();
  BatchStream(const BatchStream&) = delete;
  BatchStream& operator=(const BatchStream&) = delete;

  /// The next batch, or false after the last one. Rethrows an error of the loading thread.
  bool Next(Batch& batch);

 private:
  void Produce();
  void Fill(Batch& batch, std::size_t first) const;

  const Dataset& set_;
  std::vector<std::size_t> order_;
  int batch_size_;
  Normalization normalization_;
  AugmentOptions augment_;
  std::uint64_t seed_;
  std::size_t start_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Batch> ready_;
  bool finished_ = false, stopping_ = false;
  std::exception_ptr error_;
  std::thread worker_;
};

/// Writes the item's augmented C×H×W pixels (as bytes) into `out`; exposed for tests.
void AugmentItem(const Dataset& set, std::size_t item, const AugmentOptions& augment,
                 std::uint64_t seed, std::uint64_t position, std::uint8_t* out);

}  // namespace ctp::native
