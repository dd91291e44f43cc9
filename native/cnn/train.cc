// train: fits a CNN (preset or JSON layer list) on a data set and writes a checkpoint folder
// `<checkpoint_root>/<YYYYMMDD-HHMMSS>/` (model.safetensors, model.json, metrics.json).
#include <fmt/format.h>

#include <chrono>
#include <optional>
#include <sstream>

#include "cnn/deploy_config.h"
#include "cnn/model_step_support.h"
#include "cnn/optimizer_state.h"
#include "cnn/train_loop.h"
#include "cnn/train_resume.h"
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
      {"warm_start_optimizer",
       ArgType::kChoice,
       false,
       "reset",
       "warm start: keep the checkpoint's optimizer state (momentum or Adam moments and step "
       "count, from its optimizer.safetensors) or reset it",
       {"keep", "reset"}},
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
      {"resume_every", ArgType::kString, false, "10m",
       "when to write a resume checkpoint: a duration (30s, 10m, 1h), \"N batches\" (and at "
       "each epoch's end), \"epoch\", or \"off\" (no resume checkpoints, no resuming)"},
      {"resume_dir", ArgType::kPath, false, std::nullopt,
       "folder of this training's resume checkpoints (default: "
       "<checkpoint_root>/.resume-<fingerprint of the configuration, data and start>)"},
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

/// The arguments that make a training what it is, for its fingerprint: all but where things are
/// (paths: the data's content counts instead), the device, and when to write resume checkpoints.
Json ResumeConfiguration(const StepContext& context) {
  Json configuration = Json::object();
  for (const NativeArg& arg : TrainArgs())
    if (arg.type != ArgType::kPath && arg.name != "device" && arg.name != "resume_every" &&
        context.Has(arg.name))
      configuration[arg.name] = context.values.texts().at(arg.name);
  return configuration;
}

/// warm_start_optimizer = "keep": the optimizer state saved with the warm-start checkpoint, if
/// it has one of this optimizer's form (else the state is reset, with a logged line).
void KeepWarmStartOptimizer(const StepContext& context, const std::filesystem::path& warm,
                            const ModelInfo& info, const std::string& optimizer,
                            kernels::cnn::Sequential& network) {
  const std::filesystem::path file = warm / kOptimizerStateFile;
  std::string message;
  if (!std::filesystem::exists(file)) {
    message = fmt::format("train: warm start {} has no {}: optimizer state reset\n", warm.string(),
                          kOptimizerStateFile);
  } else {
    const OptimizerState state = DecodeOptimizerState(ReadFileBytes(file), file.string());
    if (SameOptimizerState(state.optimizer, optimizer)) {
      ApplyOptimizerState(state, info, optimizer, network);
      message = fmt::format("train: warm start keeps the {} state of {} ({} updates)\n",
                            state.optimizer, file.string(), state.step);
    } else {
      message = fmt::format("train: {} holds {} state, this training uses {}: optimizer state "
                            "reset\n",
                            file.string(), state.optimizer, optimizer);
    }
  }
  if (context.log) *context.log << message;
}

void Run(StepContext& context) {
  const Dataset set = LoadDataset(DatasetSourceFromArgs(context, ""));
  const TrainOptions options = OptionsFromArgs(context);
  const ResumeSchedule resume_schedule = ResumeSchedule::Parse(context.String("resume_every"));
  const kernels::Device device = DeviceFromArgs(context);
  ModelInfo info;
  const std::string warm = WarmStartCheckpoint(context);
  kernels::cnn::Sequential network = [&] {
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
  if (!warm.empty() && context.Choice("warm_start_optimizer") == "keep")
    KeepWarmStartOptimizer(context, warm, info, options.optimizer, network);
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

  // Resume checkpoints: this training's folder, and the newest one in it to continue from.
  TrainProgress progress;
  std::optional<ResumeFolder> resume;
  if (resume_schedule.kind != ResumeSchedule::Kind::kOff) {
    const Json configuration = ResumeConfiguration(context);
    const std::string fingerprint = TrainingFingerprint(
        configuration, {&set, &held_out}, EncodeWeights(info, network),
        EncodeOptimizerState(info, network, options.optimizer));
    resume.emplace(context.Has("resume_dir")
                       ? context.Path("resume_dir")
                       : context.Path("checkpoint_root") / (".resume-" + fingerprint),
                   fingerprint, configuration, context.log);
    const std::optional<std::filesystem::path> from =
        resume->Restore(info, options.optimizer, network, progress);
    if (from && context.log)
      *context.log << fmt::format("train: resuming from {} (epoch {}, {} batches of it done)\n",
                                  from->string(), progress.epoch, progress.batch);
  }

  double eval_accuracy = -1;
  // Every per-epoch metric also becomes a TensorBoard scalar curve (step = epoch); those of the
  // epochs before a resume are reported again.
  TensorBoardWriter tensorboard(context.OutputPath("tensorboard"));
  auto report = [&](const std::string& name, double value, int epoch) {
    tensorboard.AddScalar(name, value, epoch);
    if (context.metric) context.metric(name, value, epoch);
    if (name == "eval_accuracy") eval_accuracy = value;
  };
  for (const RecordedMetric& metric : progress.metrics)
    report(metric.name, metric.value, metric.index);
  auto metric = [&](const std::string& name, double value, int epoch) {
    report(name, value, epoch);
    progress.metrics.push_back({name, value, epoch});
  };
  auto since_resume_point = std::chrono::steady_clock::now();
  std::int64_t step_at_resume_point = progress.schedule_step;
  auto evaluate = [&](int epoch) {
    if (held_out.size() == 0) return;
    const std::vector<int> predicted = ArgMaxRows(
        PredictProbabilities(network, info, held_out, 256), int(info.class_names.size()));
    std::size_t correct = 0;
    for (std::size_t i = 0; i < predicted.size(); ++i)
      correct += predicted[i] == held_out.labels[i];
    metric("eval_accuracy", double(correct) / double(predicted.size()), epoch);
  };
  auto resume_point = [&](const TrainProgress& at, bool epoch_end) {
    const auto now = std::chrono::steady_clock::now();
    const double seconds = std::chrono::duration<double>(now - since_resume_point).count();
    if (!resume || at.epoch > options.epochs ||  // done: the checkpoint comes next
        !resume_schedule.Due(epoch_end, at.schedule_step - step_at_resume_point, seconds))
      return;
    resume->Save(info, options.optimizer, network, at);
    since_resume_point = std::chrono::steady_clock::now();
    step_at_resume_point = at.schedule_step;
  };
  const TrainReporting reporting{context.progress, metric, context.cancelled, evaluate,
                                 resume_point};
  const TrainResult result =
      TrainNetwork(network, set, info.normalization, options, reporting, progress);

  info.training = TrainingJson(context, set);
  info.metrics = {{"train_loss", result.loss},
                  {"train_accuracy", result.accuracy},
                  {"images_per_second", result.images_per_second},
                  {"epochs", options.epochs}};
  if (eval_accuracy >= 0) info.metrics["eval_accuracy"] = eval_accuracy;
  const std::filesystem::path folder =
      SaveCheckpoint(context.Path("checkpoint_root"), info, network,
                     EncodeOptimizerState(info, network, options.optimizer));
  if (context.log) *context.log << "train: wrote " << folder.string() << "\n";
  if (resume) resume->Remove();
  context.WriteOutput("checkpoint", folder.string());
  context.WriteOutput("loss", fmt::format("{:.6f}", result.loss));
}

}  // namespace

NativeStep MakeTrainStep() {
  NativeStep step;
  step.name = "train";
  step.version = "2";
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
