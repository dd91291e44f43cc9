#include "cnn/train_loop.h"

#include <fmt/format.h>

#include <chrono>
#include <numeric>
#include <stdexcept>

#include "ctp/kernels/cnn/random.h"
#include "ctp/kernels/cnn/softmax_cross_entropy.h"

namespace ctp::native {
namespace {

using kernels::cnn::Tensor;

/// A Fisher-Yates permutation of 0..n−1 drawn from counter stream (seed, epoch).
std::vector<std::size_t> Shuffled(std::size_t n, std::uint64_t seed, int epoch) {
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  const std::uint64_t stream = kernels::cnn::MixBits(seed * 1000003 + std::uint64_t(epoch));
  for (std::size_t i = n; i > 1; --i) {
    const std::uint64_t draw = kernels::cnn::MixBits(stream ^ kernels::cnn::MixBits(i));
    std::swap(order[i - 1], order[draw % i]);
  }
  return order;
}

}  // namespace

kernels::cnn::LearningRateSchedule MakeSchedule(const TrainOptions& o, int steps_per_epoch) {
  using Schedule = kernels::cnn::LearningRateSchedule;
  if (o.schedule == "constant") return Schedule::Constant(o.learning_rate);
  if (o.schedule == "step")
    return Schedule::Step(o.learning_rate, std::int64_t(o.step_epochs) * steps_per_epoch, o.gamma);
  if (o.schedule == "cosine")
    return Schedule::Cosine(o.learning_rate, std::int64_t(o.epochs) * steps_per_epoch,
                            o.min_learning_rate);
  throw std::invalid_argument("schedule '" + o.schedule + "': expected constant, step or cosine");
}

TrainResult TrainNetwork(kernels::cnn::Sequential& network, const Dataset& set,
                         const Normalization& normalization, const TrainOptions& options,
                         const TrainReporting& reporting) {
  if (options.optimizer != "sgd" && options.optimizer != "adam" && options.optimizer != "adamw")
    throw std::invalid_argument("optimizer '" + options.optimizer +
                                "': expected sgd, adam or adamw");
  if (set.size() == 0) throw std::runtime_error("training set is empty");
  const int batches = int((set.size() + options.batch_size - 1) / options.batch_size);
  const kernels::cnn::LearningRateSchedule schedule = MakeSchedule(options, batches);
  kernels::cnn::AdamOptions adam = options.adam;
  adam.decoupled_weight_decay = options.optimizer == "adamw";
  TrainResult result;
  std::int64_t step = 0;
  Tensor x, labels, x_partial, labels_partial;
  for (int epoch = 1; epoch <= options.epochs; ++epoch) {
    BatchStream stream(set, Shuffled(set.size(), options.seed, epoch), options.batch_size,
                       normalization, options.augment, kernels::cnn::MixBits(options.seed + epoch));
    double loss_sum = 0;
    std::size_t correct = 0, seen = 0;
    const auto start = std::chrono::steady_clock::now();
    Batch batch;
    for (int b = 0; stream.Next(batch); ++b, ++step) {
      if (reporting.cancelled && reporting.cancelled->load()) throw std::runtime_error("cancelled");
      const kernels::cnn::Shape shape{batch.count, set.channels, set.height, set.width};
      const bool full = batch.count == options.batch_size;
      Tensor& xb = full ? x : x_partial;
      Tensor& yb = full ? labels : labels_partial;
      if (xb.empty() || xb.shape() != shape) {
        xb = Tensor(shape, network.device());
        yb = Tensor({batch.count, 1, 1, 1}, network.device());
      }
      xb.CopyFromHost(batch.inputs);
      yb.CopyFromHost(batch.labels);
      const float loss = network.ForwardBackward(xb, yb);
      correct += std::size_t(kernels::cnn::CountCorrect(network.logits(), yb));
      const float lr = schedule.At(step);
      if (options.optimizer == "sgd") {
        network.SgdStep(options.sgd, lr);
      } else {
        network.AdamStep(adam, lr);
      }
      loss_sum += double(loss) * batch.count;
      seen += batch.count;
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (reporting.progress && (b % 20 == 0 || b + 1 == batches))
        reporting.progress(
            {double((epoch - 1) * batches + b + 1), double(options.epochs * batches), "batch",
             fmt::format("epoch {}/{} batch {}/{} loss {:.4f} {:.0f} img/s", epoch, options.epochs,
                         b + 1, batches, loss_sum / seen, seen / std::max(seconds, 1e-9))});
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    result = {loss_sum / seen, double(correct) / seen, seen / std::max(seconds, 1e-9)};
    if (reporting.metric) {
      reporting.metric("train_loss", result.loss, epoch);
      reporting.metric("train_accuracy", result.accuracy, epoch);
      reporting.metric("images_per_second", result.images_per_second, epoch);
      reporting.metric("learning_rate", schedule.At(step - 1), epoch);
    }
    if (reporting.after_epoch) reporting.after_epoch(epoch);
  }
  return result;
}

}  // namespace ctp::native
