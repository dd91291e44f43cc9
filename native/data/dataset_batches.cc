#include "data/dataset_batches.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <tuple>

#include "ctp/kernels/cnn/random.h"

namespace ctp::native {
namespace {

using kernels::cnn::CounterUniform;

/// Draw `index` of the item at `position`: an integer in [0, range).
int Draw(std::uint64_t seed, std::uint64_t position, int index, int range) {
  return std::min(range - 1, int(CounterUniform(seed, position * 8 + index) * float(range)));
}

}  // namespace

Normalization ComputeNormalization(const Dataset& set) {
  Normalization result;
  const std::size_t plane = std::size_t(set.height) * set.width;
  for (int c = 0; c < set.channels; ++c) {
    double sum = 0, squares = 0;
    for (std::size_t i = 0; i < set.size(); ++i) {
      const std::uint8_t* p = set.pixels.data() + i * set.ItemBytes() + c * plane;
      std::uint64_t s = 0, q = 0;
      for (std::size_t k = 0; k < plane; ++k) {
        s += p[k];
        q += std::uint32_t(p[k]) * p[k];
      }
      sum += double(s);
      squares += double(q);
    }
    const double n = double(plane) * double(set.size());
    const double mean = sum / n / 255.0;
    const double variance = (squares / 255.0 / 255.0 - n * mean * mean) / std::max(1.0, n - 1);
    result.mean.push_back(float(mean));
    result.std.push_back(float(std::sqrt(std::max(variance, 1e-12))));
  }
  return result;
}

void AugmentItem(const Dataset& set, std::size_t item, const AugmentOptions& augment,
                 std::uint64_t seed, std::uint64_t position, std::uint8_t* out) {
  const int h = set.height, w = set.width, pad = augment.crop_padding;
  const bool flip_x = augment.horizontal_flip && Draw(seed, position, 0, 2);
  const bool flip_y = augment.vertical_flip && Draw(seed, position, 1, 2);
  const int turns = augment.rotate90 ? Draw(seed, position, 2, 4) : 0;
  const int shift_y = pad ? Draw(seed, position, 3, 2 * pad + 1) - pad : 0;
  const int shift_x = pad ? Draw(seed, position, 4, 2 * pad + 1) - pad : 0;
  if (turns && h != w) throw std::invalid_argument("rotate90 augmentation needs square images");
  const std::uint8_t* source = set.pixels.data() + item * set.ItemBytes();
  for (int c = 0; c < set.channels; ++c) {
    const std::uint8_t* plane = source + std::size_t(c) * h * w;
    for (int y = 0; y < h; ++y) {
      for (int x = 0; x < w; ++x) {
        // Output (y, x) ← crop shift, then rotation, then flips: an inverse map per pixel.
        int sy = y + shift_y, sx = x + shift_x;
        for (int t = 0; t < turns; ++t) std::tie(sy, sx) = std::pair{w - 1 - sx, sy};
        if (flip_y) sy = h - 1 - sy;
        if (flip_x) sx = w - 1 - sx;
        const bool inside = sy >= 0 && sy < h && sx >= 0 && sx < w;
        *out++ = inside ? plane[sy * w + sx] : 0;
      }
    }
  }
}

BatchStream::BatchStream(const Dataset& set, std::vector<std::size_t> order, int batch_size,
                         Normalization normalization, AugmentOptions augment, std::uint64_t seed,
                         std::size_t start)
    : set_(set),
      order_(std::move(order)),
      batch_size_(batch_size),
      normalization_(std::move(normalization)),
      augment_(augment),
      seed_(seed),
      start_(start) {
  if (batch_size_ < 1) throw std::invalid_argument("batch size must be at least 1");
  if (int(normalization_.mean.size()) != set.channels ||
      normalization_.std.size() != normalization_.mean.size())
    throw std::invalid_argument("normalisation has " + std::to_string(normalization_.mean.size()) +
                                " channels, the data " + std::to_string(set.channels));
  worker_ = std::thread([this] { Produce(); });
}

BatchStream::~BatchStream() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  worker_.join();
}

void BatchStream::Fill(Batch& batch, std::size_t first) const {
  const std::size_t item_bytes = set_.ItemBytes(), plane = std::size_t(set_.height) * set_.width;
  batch.first = first;
  batch.count = int(std::min<std::size_t>(batch_size_, order_.size() - first));
  batch.inputs.resize(batch.count * item_bytes);
  batch.labels.resize(batch.count);
  std::vector<std::uint8_t> scratch(item_bytes);
  std::vector<float> scale(set_.channels), offset(set_.channels);
  for (int c = 0; c < set_.channels; ++c) {  // (x/255 − mean)/std = x·scale + offset
    scale[c] = 1.0f / (255.0f * normalization_.std[c]);
    offset[c] = -normalization_.mean[c] / normalization_.std[c];
  }
  for (int i = 0; i < batch.count; ++i) {
    const std::size_t item = order_[first + i];
    const std::uint8_t* pixels = set_.pixels.data() + item * item_bytes;
    if (augment_.Any()) {
      AugmentItem(set_, item, augment_, seed_, first + i, scratch.data());
      pixels = scratch.data();
    }
    float* out = batch.inputs.data() + i * item_bytes;
    for (std::size_t k = 0; k < item_bytes; ++k)
      out[k] = float(pixels[k]) * scale[k / plane] + offset[k / plane];
    batch.labels[i] = float(set_.labels[item]);
  }
}

void BatchStream::Produce() {
  try {
    for (std::size_t first = start_; first < order_.size(); first += batch_size_) {
      Batch batch;
      Fill(batch, first);
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [&] { return stopping_ || ready_.size() < 2; });
      if (stopping_) return;
      ready_.push_back(std::move(batch));
      changed_.notify_all();
    }
  } catch (...) {
    std::lock_guard lock(mutex_);
    error_ = std::current_exception();
  }
  std::lock_guard lock(mutex_);
  finished_ = true;
  changed_.notify_all();
}

bool BatchStream::Next(Batch& batch) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return !ready_.empty() || finished_; });
  if (ready_.empty()) {
    if (error_) std::rethrow_exception(error_);
    return false;
  }
  batch = std::move(ready_.front());
  ready_.pop_front();
  changed_.notify_all();
  return true;
}

}  // namespace ctp::native
