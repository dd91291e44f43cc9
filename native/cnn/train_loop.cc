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
                         const TrainReporting& reporting, TrainProgress& progress) {
  if (options.optimizer != "sgd" && options.optimizer != "adam" && options.optimizer != "adamw")
    throw std::invalid_argument("optimizer '" + options.optimizer +
                                "': expected sgd, adam or adamw");
  if (set.size() == 0) throw std::runtime_error("training set is empty");
  const int batches = int((set.size() + options.batch_size - 1) / options.batch_size);
  const kernels::cnn::LearningRateSchedule schedule = MakeSchedule(options, batches);
  kernels::cnn::AdamOptions adam = options.adam;
  adam.decoupled_weight_decay = options.optimizer == "adamw";
  Tensor x, labels, x_partial, labels_partial;
  for (TrainProgress& p = progress; p.epoch <= options.epochs;) {
    const int epoch = p.epoch;
    BatchStream stream(set, Shuffled(set.size(), options.seed, epoch), options.batch_size,
                       normalization, options.augment, kernels::cnn::MixBits(options.seed + epoch),
                       std::size_t(p.batch) * options.batch_size);
    // Time spent on this epoch: before a resume (recorded), plus since this stream started.
    const double seconds_before = p.seconds;
    const auto start = std::chrono::steady_clock::now();
    auto seconds = [&] {
      return seconds_before +
             std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    Batch batch;
    while (stream.Next(batch)) {
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
      p.correct += kernels::cnn::CountCorrect(network.logits(), yb);
      const float lr = schedule.At(p.schedule_step);
      if (options.optimizer == "sgd") {
        network.SgdStep(options.sgd, lr);
      } else {
        network.AdamStep(adam, lr);
      }
      p.loss_sum += double(loss) * batch.count;
      p.seen += batch.count;
      const int b = p.batch++;
      ++p.schedule_step;
      if (reporting.progress && (b % 20 == 0 || b + 1 == batches))
        reporting.progress(
            {double((epoch - 1) * batches + b + 1), double(options.epochs * batches), "batch",
             fmt::format("epoch {}/{} batch {}/{} loss {:.4f} {:.0f} img/s", epoch, options.epochs,
                         b + 1, batches, p.loss_sum / double(p.seen),
                         double(p.seen) / std::max(seconds(), 1e-9))});
      if (p.batch < batches && reporting.resume_point) {
        p.seconds = seconds();
        reporting.resume_point(p, false);
      }
    }
    const double seen = double(p.seen);
    p.last = {p.loss_sum / seen, double(p.correct) / seen, seen / std::max(seconds(), 1e-9)};
    if (reporting.metric) {
      reporting.metric("train_loss", p.last.loss, epoch);
      reporting.metric("train_accuracy", p.last.accuracy, epoch);
      reporting.metric("images_per_second", p.last.images_per_second, epoch);
      reporting.metric("learning_rate", schedule.At(p.schedule_step - 1), epoch);
    }
    if (reporting.after_epoch) reporting.after_epoch(epoch);
    p.epoch = epoch + 1;
    p.batch = 0;
    p.loss_sum = 0;
    p.correct = p.seen = 0;
    p.seconds = 0;
    if (reporting.resume_point) reporting.resume_point(p, true);
  }
  return progress.last;
}

}  // namespace ctp::native
