#include "cnn/model_step_support.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace ctp::native {
namespace {

using kernels::cnn::Tensor;

}  // namespace

std::vector<NativeArg> DatasetArgs(const std::string& prefix, const std::string& default_split,
                                   bool required) {
  return {{prefix + "data", ArgType::kPath, required, std::nullopt,
           "IDX images file, folder with <split>-images-idx3-ubyte[.gz], or image folder "
           "(one sub-folder per class)"},
          {prefix + "split", ArgType::kString, false, default_split,
           "which split of a folder: IDX file prefix or sub-folder"},
          {prefix + "labels", ArgType::kPath, false, std::nullopt,
           "IDX labels file for an IDX images file"},
          {prefix + "limit", ArgType::kInt, false, "0", "use only the first N items (0 = all)"}};
}

DatasetSource DatasetSourceFromArgs(const StepContext& context, const std::string& prefix) {
  DatasetSource source;
  source.data = context.Path(prefix + "data");
  source.split = context.String(prefix + "split");
  source.labels = context.Path(prefix + "labels");
  const long long limit = context.Int(prefix + "limit");
  if (limit < 0) throw std::invalid_argument("argument '" + prefix + "limit' must be >= 0");
  source.limit = std::size_t(limit);
  return source;
}

void CheckDatasetFitsModel(const Dataset& set, const ModelInfo& info, const std::string& what) {
  if (set.channels != info.channels || set.height != info.height || set.width != info.width)
    throw std::runtime_error(what + ": items are " + std::to_string(set.channels) + "x" +
                             std::to_string(set.height) + "x" + std::to_string(set.width) +
                             ", the model expects " + std::to_string(info.channels) + "x" +
                             std::to_string(info.height) + "x" + std::to_string(info.width));
  for (int label : set.labels)
    if (label >= int(info.class_names.size()))
      throw std::runtime_error(what + ": label " + std::to_string(label) + " is outside the " +
                               "model's " + std::to_string(info.class_names.size()) + " classes");
}

std::vector<float> PredictProbabilities(kernels::cnn::Sequential& network, const ModelInfo& info,
                                        const Dataset& set, int batch_size) {
  const int classes = int(info.class_names.size());
  std::vector<float> probabilities(set.size() * classes);
  std::vector<std::size_t> order(set.size());
  std::iota(order.begin(), order.end(), 0);
  BatchStream stream(set, std::move(order), batch_size, info.normalization, {}, 0);
  Batch batch;
  Tensor x;
  while (stream.Next(batch)) {
    const kernels::cnn::Shape shape{batch.count, set.channels, set.height, set.width};
    if (x.empty() || x.shape() != shape) x = Tensor(shape, network.device());
    x.CopyFromHost(batch.inputs);
    const std::vector<float> logits = network.Forward(x, false).ToHost();
    if (logits.size() != std::size_t(batch.count) * classes)
      throw std::runtime_error("model produces " + std::to_string(logits.size() / batch.count) +
                               " outputs for " + std::to_string(classes) + " classes");
    for (int i = 0; i < batch.count; ++i) {
      const float* row = logits.data() + std::size_t(i) * classes;
      float* out = probabilities.data() + (batch.first + i) * classes;
      const float top = *std::max_element(row, row + classes);
      double sum = 0;
      for (int k = 0; k < classes; ++k) sum += out[k] = std::exp(row[k] - top);
      for (int k = 0; k < classes; ++k) out[k] = float(out[k] / sum);
    }
  }
  return probabilities;
}

std::vector<int> ArgMaxRows(const std::vector<float>& values, int columns) {
  std::vector<int> result(values.size() / columns);
  for (std::size_t r = 0; r < result.size(); ++r) {
    const float* row = values.data() + r * columns;
    result[r] = int(std::max_element(row, row + columns) - row);
  }
  return result;
}

}  // namespace ctp::native
