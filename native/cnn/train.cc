// train: fits a CNN (preset or JSON layer list) on a data set and writes a checkpoint folder
// `<checkpoint_root>/<YYYYMMDD-HHMMSS>/` (model.safetensors, model.json, metrics.json).
#include <fmt/format.h>

#include <sstream>

#include "cnn/deploy_config.h"
#include "cnn/model_step_support.h"
#include "cnn/train_loop.h"
#include "formats/tensorboard_events.h"
#include "native_steps.h"

namespace ctp::native {
namespace {

using Json = nlohmann::json;

std::vector<NativeArg> TrainArgs() {
  std::vector<NativeArg> args = DatasetArgs("", "train", true);
  for (NativeArg& arg : DatasetArgs("eval_", "t10k", false)) {
    arg.doc = "held-out set scored after each epoch (metric eval_accuracy): " + arg.doc;
    args.push_back(std::move(arg));
  }
  std::vector<NativeArg> more = {
      {"model", ArgType::kString, false, "reference_cnn",
       "preset (reference_cnn, small_cnn, small_resnet) or a JSON list of layers"},
      {"class_names", ArgType::kString, false, std::nullopt,
       "comma-separated class names (default: folder names, or 0..K-1)"},
      {"warm_start", ArgType::kPath, false, std::nullopt,
       "checkpoint folder to start from (its model, classes and normalisation are kept)"},
      {"deployed_config", ArgType::kPath, false, std::nullopt,
       "model-deploy-config.json: without warm_start, start from its deployed checkpoint if any"},
      {"checkpoint_root", ArgType::kPath, false, "model-checkpoint",
       "folder that receives the new <YYYYMMDD-HHMMSS>/ checkpoint"},
      {"epochs", ArgType::kInt, false, "5", "passes over the training set"},
      {"batch_size", ArgType::kInt, false, "128",
       "images per step (the last batch may be smaller)"},
      {"optimizer", ArgType::kChoice, false, "sgd", "the optimizer", {"sgd", "adam", "adamw"}},
      {"learning_rate", ArgType::kFloat, false, "0.05", "base learning rate"},
      {"momentum", ArgType::kFloat, false, "0.9", "SGD momentum"},
      {"nesterov", ArgType::kBool, false, "false", "SGD Nesterov momentum"},
      {"weight_decay", ArgType::kFloat, false, "0", "L2 weight decay (decoupled for adamw)"},
      {"schedule",
       ArgType::kChoice,
       false,
       "constant",
       "the learning-rate schedule",
       {"constant", "step", "cosine"}},
      {"step_epochs", ArgType::kInt, false, "1", "step schedule: decay every N epochs"},
      {"gamma", ArgType::kFloat, false, "0.1", "step schedule: decay factor"},
      {"min_learning_rate", ArgType::kFloat, false, "0", "cosine schedule: final learning rate"},
      {"horizontal_flip", ArgType::kBool, false, "false", "augment: random left-right flips"},
      {"vertical_flip", ArgType::kBool, false, "false", "augment: random up-down flips"},
      {"rotate90", ArgType::kBool, false, "false", "augment: random multiples of 90 degrees"},
      {"crop_padding", ArgType::kInt, false, "0",
       "augment: random crops after padding by N pixels"},
      {"seed", ArgType::kInt, false, "0", "initialisation, shuffling and augmentation seed"},
      DeviceArg(kModelDeviceDoc)};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

TrainOptions OptionsFromArgs(const StepContext& c) {
  TrainOptions o;
  o.epochs = int(c.Int("epochs"));
  o.batch_size = int(c.Int("batch_size"));
  if (o.epochs < 0 || o.batch_size < 1)
    throw std::invalid_argument("epochs must be >= 0 and batch_size >= 1");
  o.optimizer = c.Choice("optimizer");
  o.learning_rate = float(c.Float("learning_rate"));
  o.sgd.momentum = float(c.Float("momentum"));
  o.sgd.nesterov = c.Bool("nesterov");
  o.sgd.weight_decay = o.adam.weight_decay = float(c.Float("weight_decay"));
  o.schedule = c.Choice("schedule");
  o.step_epochs = int(c.Int("step_epochs"));
  o.gamma = float(c.Float("gamma"));
  o.min_learning_rate = float(c.Float("min_learning_rate"));
  o.augment = {c.Bool("horizontal_flip"), c.Bool("vertical_flip"), c.Bool("rotate90"),
               int(c.Int("crop_padding"))};
  o.seed = std::uint64_t(c.Int("seed"));
  return o;
}

std::vector<std::string> ClassNames(const StepContext& c, const Dataset& set) {
  std::vector<std::string> names;
  const std::string& text = c.String("class_names");
  if (!text.empty()) {
    std::stringstream stream(text);
    for (std::string name; std::getline(stream, name, ',');) names.push_back(name);
  } else if (!set.class_names.empty()) {
    names = set.class_names;
  } else {
    for (int k = 0; k < set.ClassCount(); ++k) names.push_back(std::to_string(k));
  }
  if (int(names.size()) < set.ClassCount())
    throw std::invalid_argument(
        fmt::format("{} class names for labels up to {}", names.size(), set.ClassCount() - 1));
  return names;
}

Json TrainingJson(const StepContext& c, const Dataset& set) {
  Json training = Json::object();
  for (const auto& [name, value] : c.values.texts())
    if (!value.empty()) training[name] = value;
  training["train_items"] = set.size();
  return training;
}

/// The checkpoint to warm-start from: `warm_start`, else the deployed one of `deployed_config`
/// (none when nothing is deployed yet); "" for a cold start.
std::string WarmStartCheckpoint(const StepContext& context) {
  const std::string warm = context.Path("warm_start").string();
  const std::filesystem::path config = context.Path("deployed_config");
  if (!warm.empty() || config.empty()) return warm;
  const std::optional<std::filesystem::path> deployed = DeployedCheckpoint(config);
  if (context.log)
    *context.log << (deployed ? fmt::format("train: warm start from the deployed {}\n",
                                            deployed->string())
                              : fmt::format("train: nothing deployed in {}: cold start\n",
                                            config.string()));
  return deployed ? deployed->string() : "";
}

void Run(StepContext& context) {
  const Dataset set = LoadDataset(DatasetSourceFromArgs(context, ""));
  const TrainOptions options = OptionsFromArgs(context);
  const kernels::Device device = DeviceFromArgs(context);
  ModelInfo info;
  kernels::cnn::Sequential network = [&] {
    const std::string warm = WarmStartCheckpoint(context);
    if (!warm.empty()) {
      LoadedModel loaded = LoadCheckpoint(warm, device);
      info = std::move(loaded.info);
      return std::move(loaded.network);
    }
    info.class_names = ClassNames(context, set);
    info.model = ResolveModel(context.String("model"), int(info.class_names.size()));
    info.channels = set.channels;
    info.height = set.height;
    info.width = set.width;
    info.normalization = ComputeNormalization(set);
    CheckModelSize(info.model, info.channels, info.height, info.width);
    return BuildNetwork(info, options.seed, device);
  }();
  CheckDatasetFitsModel(set, info, "training data");
  for (int label : set.labels)
    if (label < 0) throw std::runtime_error("training data has unlabelled items");
  if (context.log)
    *context.log << fmt::format(
        "train: {} items {}x{}x{}, model {} ({} parameters), {} classes, on the {}\n", set.size(),
        set.channels, set.height, set.width, info.model.name, network.ParameterCount(),
        info.class_names.size(), device == kernels::Device::kCuda ? "GPU" : "CPU");

  Dataset held_out;
  if (context.Has("eval_data")) {
    held_out = LoadDataset(DatasetSourceFromArgs(context, "eval_"));
    CheckDatasetFitsModel(held_out, info, "eval data");
  }
  double eval_accuracy = -1;
  // Every per-epoch metric also becomes a TensorBoard scalar curve (step = epoch).
  TensorBoardWriter tensorboard(context.OutputPath("tensorboard"));
  auto metric = [&](const std::string& name, double value, int epoch) {
    tensorboard.AddScalar(name, value, epoch);
    if (context.metric) context.metric(name, value, epoch);
  };
  TrainReporting reporting{context.progress, metric, context.cancelled, [&](int epoch) {
                             if (held_out.size() == 0) return;
                             const std::vector<int> predicted =
                                 ArgMaxRows(PredictProbabilities(network, info, held_out, 256),
                                            int(info.class_names.size()));
                             std::size_t correct = 0;
                             for (std::size_t i = 0; i < predicted.size(); ++i)
                               correct += predicted[i] == held_out.labels[i];
                             eval_accuracy = double(correct) / double(predicted.size());
                             metric("eval_accuracy", eval_accuracy, epoch);
                           }};
  const TrainResult result = TrainNetwork(network, set, info.normalization, options, reporting);

  info.training = TrainingJson(context, set);
  info.metrics = {{"train_loss", result.loss},
                  {"train_accuracy", result.accuracy},
                  {"images_per_second", result.images_per_second},
                  {"epochs", options.epochs}};
  if (eval_accuracy >= 0) info.metrics["eval_accuracy"] = eval_accuracy;
  const std::filesystem::path folder =
      SaveCheckpoint(context.Path("checkpoint_root"), info, network);
  if (context.log) *context.log << "train: wrote " << folder.string() << "\n";
  context.WriteOutput("checkpoint", folder.string());
  context.WriteOutput("loss", fmt::format("{:.6f}", result.loss));
}

}  // namespace

NativeStep MakeTrainStep() {
  NativeStep step;
  step.name = "train";
  step.version = "1";
  step.description = "Trains a CNN on IDX or image-folder data and writes a checkpoint folder.";
  step.args = TrainArgs();
  step.outputs = {{"checkpoint", ValueKind::kParameter, "path of the new checkpoint folder"},
                  {"loss", ValueKind::kParameter, "mean training loss of the last epoch"},
                  {"tensorboard", ValueKind::kArtifact,
                   "folder with a TensorBoard event file of the per-epoch metrics"}};
  step.run = Run;
  return step;
}

}  // namespace ctp::native
