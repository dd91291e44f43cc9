// The train, evaluate and predict steps end to end: a tiny overfit, warm start, KFP outputs,
// and a Fashion-MNIST smoke test on a subset.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "ctp/kernels/device.h"
#include "golden.h"
#include "native_step_runner.h"
#include "toy_idx.h"

namespace {

namespace fs = std::filesystem;
using ctp::testing::Recorded;
using ctp::testing::RunStep;
using ctp::testing::WriteToyIdx;

const char* kToyModel = R"([{"type":"conv","out":4,"kernel":3,"padding":1},{"type":"relu"},)"
                        R"({"type":"maxpool"},{"type":"linear","out":2}])";

struct Workspace {
  fs::path root = fs::temp_directory_path() / "ctp-train-test";
  Workspace() {
    fs::remove_all(root);
    WriteToyIdx(root / "data", "train");
    WriteToyIdx(root / "data", "test");
  }
  ~Workspace() { fs::remove_all(root); }
  std::map<std::string, std::string> TrainArgs(const std::string& epochs) const {
    return {{"data", (root / "data").string()},
            {"model", kToyModel},
            {"class_names", "left,right"},
            {"epochs", epochs},
            {"batch_size", "8"},
            {"optimizer", "adam"},
            {"learning_rate", "0.02"},
            {"checkpoint_root", (root / "ckpt").string()},
            {"device", "cpu"}};  // the CPU path is the deterministic one these tests pin down
  }
};

std::string Output(const fs::path& out, const std::string& name) {
  return ctp::testing::ReadText((out / name).string());
}

}  // namespace

TEST_CASE("train overfits a tiny set and evaluate/predict read its checkpoint") {
  Workspace ws;
  const Recorded trained = RunStep("train", ws.TrainArgs("25"), ws.root / "out-train");
  const fs::path checkpoint = Output(ws.root / "out-train", "checkpoint");
  CHECK(checkpoint.parent_path() == ws.root / "ckpt");
  CHECK(checkpoint.filename().string().size() >= 15);  // YYYYMMDD-HHMMSS
  for (const char* file : {"model.safetensors", "model.json", "metrics.json"})
    CHECK(fs::exists(checkpoint / file));
  REQUIRE(trained.metrics.at("train_loss").size() == 25);
  CHECK(trained.metrics.at("train_loss").back() < 0.05);
  CHECK(trained.metrics.at("train_accuracy").back() == 1.0);
  CHECK(trained.progress_calls >= 25);
  CHECK(std::stod(Output(ws.root / "out-train", "loss")) < 0.05);
  // The per-epoch curves as one TensorBoard event file (its format: tensorboard_test.cc).
  std::vector<fs::path> event_files;
  for (const auto& entry : fs::directory_iterator(ws.root / "out-train" / "tensorboard"))
    event_files.push_back(entry.path());
  REQUIRE(event_files.size() == 1);
  CHECK(event_files[0].filename().string().rfind("events.out.tfevents.", 0) == 0);
  CHECK(fs::file_size(event_files[0]) > 25 * 4 * 16);  // 25 epochs × 4 curves, 16-byte frames

  const fs::path eval_out = ws.root / "out-eval";
  RunStep("evaluate",
          {{"checkpoint", checkpoint.string()},
           {"data", (ws.root / "data").string()},
           {"split", "test"}},
          eval_out);
  CHECK(Output(eval_out, "accuracy") == "1.000000");
  const auto metrics = nlohmann::json::parse(Output(eval_out, "mlpipeline_metrics"));
  CHECK(metrics["metrics"][0] ==
        nlohmann::json({{"name", "accuracy"}, {"numberValue", 1.0}, {"format", "RAW"}}));
  const auto ui = nlohmann::json::parse(Output(eval_out, "mlpipeline_ui_metadata"));
  CHECK(ui["outputs"][0]["type"] == "confusion_matrix");
  CHECK(ui["outputs"][0]["source"] == "left,left,16\nleft,right,0\nright,left,0\nright,right,16\n");
  CHECK(ui["outputs"][0]["labels"] == nlohmann::json({"left", "right"}));

  const fs::path predict_out = ws.root / "out-predict";
  RunStep("predict",
          {{"checkpoint", checkpoint.string()},
           {"data", (ws.root / "data").string()},
           {"split", "test"}},
          predict_out);
  const std::string csv = Output(predict_out, "predictions");
  CHECK(csv.rfind("item,predicted,p_left,p_right\n#0,left,", 0) == 0);
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 33);
  CHECK(Output(predict_out, "count") == "32");
}

TEST_CASE("train is deterministic for a seed and warm start continues from the stored weights") {
  Workspace ws;
  const Recorded first = RunStep("train", ws.TrainArgs("2"), ws.root / "a");
  const Recorded again = RunStep("train", ws.TrainArgs("2"), ws.root / "b");
  CHECK(first.metrics.at("train_loss") == again.metrics.at("train_loss"));

  auto warm = ws.TrainArgs("1");
  warm["warm_start"] = Output(ws.root / "a", "checkpoint");
  const Recorded continued = RunStep("train", warm, ws.root / "c");
  const Recorded fresh = RunStep("train", ws.TrainArgs("1"), ws.root / "d");
  // Epoch 3 from the checkpoint starts where epoch 2 ended, far below a fresh first epoch.
  CHECK(continued.metrics.at("train_loss")[0] < first.metrics.at("train_loss")[1] * 1.2);
  CHECK(continued.metrics.at("train_loss")[0] < fresh.metrics.at("train_loss")[0] * 0.8);
  const auto model = nlohmann::json::parse(ctp::testing::ReadText(
      (fs::path(Output(ws.root / "c", "checkpoint")) / "model.json").string()));
  CHECK(model["training"]["warm_start"] == Output(ws.root / "a", "checkpoint"));
}

TEST_CASE("Fashion-MNIST smoke test: the reference CNN on a subset beats a stated accuracy floor") {
  const fs::path data = "/usr/share/datasets/fashion-mnist";
  if (!fs::exists(data / "train-images-idx3-ubyte.gz")) {
    MESSAGE("SKIPPED: Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)");
    return;
  }
#if defined(NDEBUG) && !defined(__SANITIZE_ADDRESS__)
  const char *train_items = "2000", *test_items = "1000";
  const double floor = 0.70;  // measured ~0.75-0.78 (docs/cnn.md)
#else
  MESSAGE("Debug/sanitizer build: Fashion-MNIST smoke test on 256/256 items, floor 0.3");
  const char *train_items = "256", *test_items = "256";
  const double floor = 0.30;
#endif
  const fs::path root = fs::temp_directory_path() / "ctp-fmnist-smoke";
  fs::remove_all(root);
  RunStep("train",
          {{"data", data.string()},
           {"limit", train_items},
           {"model", "reference_cnn"},
           {"epochs", "2"},
           {"batch_size", "64"},
           {"learning_rate", "0.05"},
           {"checkpoint_root", (root / "ckpt").string()}},
          root / "train");
  RunStep("evaluate",
          {{"checkpoint", Output(root / "train", "checkpoint")},
           {"data", data.string()},
           {"split", "t10k"},
           {"limit", test_items}},
          root / "eval");
  const double accuracy = std::stod(Output(root / "eval", "accuracy"));
  MESSAGE("Fashion-MNIST subset accuracy: " << accuracy);
  CHECK(accuracy > floor);
  fs::remove_all(root);
}

TEST_CASE("train and evaluate: the device argument") {
  const Workspace ws;
  std::map<std::string, std::string> args = ws.TrainArgs("1");
  args["device"] = "tpu";
  CHECK_THROWS_WITH_AS(RunStep("train", args, ws.root / "bad"),
                       "train: argument --device: expected one of auto, cpu, cuda, got 'tpu' "
                       "(did you mean 'cpu'?)",
                       std::invalid_argument);
  args["device"] = "auto";  // the GPU when there is one, else the CPU: both train
  RunStep("train", args, ws.root / "auto");
  CHECK(fs::exists(Output(ws.root / "auto", "checkpoint") + "/model.safetensors"));
  if (ctp::kernels::CudaAvailable()) {
    args["device"] = "cuda";
    RunStep("train", args, ws.root / "cuda");
    CHECK(fs::exists(Output(ws.root / "cuda", "checkpoint") + "/model.safetensors"));
  } else {
    args["device"] = "cuda";
    CHECK_THROWS_WITH_AS(
        RunStep("train", args, ws.root / "cuda"),
        (std::string("argument --device: cuda: ") + ctp::kernels::CudaDeviceSummary()).c_str(),
        std::invalid_argument);
    CHECK_THROWS_WITH_AS(
        RunStep("evaluate",
                {{"checkpoint", Output(ws.root / "auto", "checkpoint")},
                 {"data", (ws.root / "data").string()},
                 {"split", "test"},
                 {"device", "cuda"}},
                ws.root / "eval"),
        (std::string("argument --device: cuda: ") + ctp::kernels::CudaDeviceSummary()).c_str(),
        std::invalid_argument);
  }
}
