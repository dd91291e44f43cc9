// The reference pipelines in scripts/ run end to end through the `ctp` binary, on tiny inputs
// (a subset of Fashion-MNIST, one epoch), in a scratch workdir.
#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "run_ctp.h"
#include "runner_support.h"

namespace ctp::testing {
namespace {

std::string Quoted(const std::filesystem::path& path) { return "'" + path.string() + "'"; }

// The run folder `ctp run` announced on its first line ("run ID of pipeline ...").
std::filesystem::path RunDir(const std::filesystem::path& workdir, const CommandResult& run) {
  const std::string& text = run.out.rfind("run ", 0) == 0 ? run.out : run.err;
  REQUIRE(text.rfind("run ", 0) == 0);
  const std::size_t end = text.find(' ', 4);
  return workdir / "runs" / text.substr(4, end - 4);
}

// Whether any file under a folder contains a text.
bool AnyFileContains(const std::filesystem::path& root, const std::string& text) {
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string content((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
    if (content.find(text) != std::string::npos) return true;
  }
  return false;
}

TEST_CASE(
    "scripts/fashion_mnist.lua trains on a volume and reports accuracy for runs show and KFP") {
  if (!std::filesystem::exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz")) {
    MESSAGE("SKIPPED: Fashion-MNIST is not installed (Debian package dataset-fashion-mnist)");
    return;
  }
  ScratchDir dir;
  const std::string workdir = " --plain --workdir " + Quoted(dir.path());
  CommandResult run = RunCtp(
      "run scripts/fashion_mnist.lua -p epochs=1 -p limit=1000 -p model=small_cnn" + workdir);
  INFO(run.out, run.err);
  REQUIRE(run.exit_code == 0);
  const std::filesystem::path run_dir = RunDir(dir.path(), run);
  // The checkpoint lives on the ReadWriteMany volume both steps mount.
  const std::string checkpoint = FileText(run_dir / "train/outputs/checkpoint");
  CHECK(checkpoint.find((dir.path() / "volumes/fashion-models/checkpoints/").string()) == 0);
  CHECK(std::filesystem::exists(std::filesystem::path(checkpoint) / "model.safetensors"));
  // KFP's UI format: mlpipeline-metrics with a metric named accuracy, above chance (0.1).
  const nlohmann::json metrics =
      nlohmann::json::parse(FileText(run_dir / "evaluate/outputs/mlpipeline_metrics"));
  REQUIRE(metrics["metrics"].is_array());
  REQUIRE(metrics["metrics"][0]["name"] == "accuracy");
  const double accuracy = metrics["metrics"][0]["numberValue"].get<double>();
  CHECK(accuracy > 0.15);
  CHECK(accuracy <= 1.0);
  CHECK(std::stod(FileText(run_dir / "evaluate/outputs/accuracy")) ==
        doctest::Approx(accuracy).epsilon(1e-5));

  CommandResult show = RunCtp("runs show latest --workdir " + Quoted(dir.path()));
  CHECK(show.exit_code == 0);
  CHECK(show.out.find("  limit = 1000\n") != std::string::npos);
  CHECK(show.out.find("evaluate                     accuracy") != std::string::npos);
}

TEST_CASE(
    "scripts/cnn_pipeline.lua packages a serving bundle; skip_training reuses the checkpoint") {
  if (!std::filesystem::exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz")) {
    MESSAGE("SKIPPED: Fashion-MNIST is not installed (Debian package dataset-fashion-mnist)");
    return;
  }
  ScratchDir dir;
  const std::string common =
      " -p workspace=exp-1 -p epochs=1 -p limit=300 -p model=small_cnn --plain --workdir " +
      Quoted(dir.path());
  CommandResult first = RunCtp("run scripts/cnn_pipeline.lua" + common);
  INFO(first.out, first.err);
  REQUIRE(first.exit_code == 0);
  const std::filesystem::path first_run = RunDir(dir.path(), first);
  const std::filesystem::path workspace =
      std::filesystem::absolute(dir.path()) / "volumes/workspace/exp-1";
  const std::string checkpoint = FileText(first_run / "train/outputs/checkpoint");
  CHECK(checkpoint.rfind((workspace / "model/").string(), 0) == 0);
  CHECK(std::filesystem::exists(workspace / "data/train-images-idx3-ubyte.gz"));
  // The bundle: the checkpoint, its model.json on top, and serve.sh calling `ctp step predict`.
  const std::filesystem::path bundle = workspace / "bundle";
  CHECK(std::filesystem::exists(bundle / "model/model.safetensors"));
  CHECK(FileText(bundle / "model.json") ==
        FileText(std::filesystem::path(checkpoint) / "model.json"));
  const std::string serve = FileText(bundle / "serve.sh");
  CHECK(serve.find("exec ctp step predict --checkpoint \"$here/model\"") != std::string::npos);
  const std::filesystem::path predictions = dir.path() / "predictions.csv";
  const std::string serve_command =
      "PATH='" + std::filesystem::path(CtpBinary()).parent_path().string() + "':\"$PATH\" " +
      Quoted(bundle / "serve.sh") + " " + Quoted(workspace / "data/t10k-images-idx3-ubyte.gz") +
      " " + Quoted(predictions) + " 2>/dev/null";
  REQUIRE(std::system(serve_command.c_str()) == 0);
  CHECK(FileText(predictions).rfind("item,predicted,p_T-shirt/top,", 0) == 0);

  // Stages 1 and 2 off: the newest checkpoint in the workspace is validated and packaged again.
  CommandResult reuse = RunCtp(
      "run scripts/cnn_pipeline.lua -p skip_preparation=true -p skip_training=true" + common);
  INFO(reuse.out, reuse.err);
  REQUIRE(reuse.exit_code == 0);
  const std::filesystem::path second_run = RunDir(dir.path(), reuse);
  REQUIRE(second_run != first_run);
  CHECK(!std::filesystem::exists(second_run / "train"));
  CHECK(!std::filesystem::exists(second_run / "prepare-data"));
  CHECK(FileText(second_run / "reuse-checkpoint/outputs/checkpoint") == checkpoint);
  CHECK(FileText(second_run / "validate/outputs/accuracy") ==
        FileText(first_run / "validate/outputs/accuracy"));

  // Skipping training in a workspace that has never trained fails with a clear message.
  CommandResult empty = RunCtp(
      "run scripts/cnn_pipeline.lua -p workspace=empty -p skip_training=true --plain --workdir " +
      Quoted(dir.path()));
  CHECK(empty.exit_code != 0);
  CHECK(FileText(RunDir(dir.path(), empty) / "reuse-checkpoint/log.txt") ==
        "no checkpoint in " +
            (std::filesystem::absolute(dir.path()) / "volumes/workspace/empty/model").string() +
            ": run training first\n");
}

TEST_CASE(
    "scripts/versioned_data.lua runs the selected stages with the dataset tag and secret env") {
  ScratchDir dir;
  const std::filesystem::path secrets = dir.path() / "secrets.yaml";
  std::ofstream(secrets)
      << "dataset-store:\n  access-key: AKIA-TEST-ACCESS\n  secret-key: TEST-SECRET-VALUE\n";
  const std::filesystem::path workdir = dir.path() / "work";
  const std::string common = " --plain --workdir " + Quoted(workdir);
  CommandResult run =
      RunCtp("run scripts/versioned_data.lua -p stages=1,2,4 -p dataset_tag=2026-11-01 --secrets " +
             Quoted(secrets) + common);
  INFO(run.out, run.err);
  REQUIRE(run.exit_code == 0);
  const std::filesystem::path run_dir = RunDir(workdir, run);
  CHECK(FileText(run_dir / "ingest/log.txt") ==
        "ingest: dataset 2026-11-01\ningest: credentials present\n");
  CHECK(FileText(run_dir / "validate-data/log.txt") ==
        "validate-data: dataset 2026-11-01\nvalidate-data: credentials present\n");
  CHECK(FileText(run_dir / "publish/log.txt") ==
        "publish: dataset 2026-11-01\npublish: credentials present\n");
  CHECK(!std::filesystem::exists(run_dir / "train"));
  // Stages run in sequence: validate-data after ingest, publish after validate-data.
  CHECK(run.out.find("ingest succeeded") < run.out.find("validate-data started"));
  CHECK(run.out.find("validate-data succeeded") < run.out.find("publish started"));

  CommandResult show = RunCtp("runs show latest --workdir " + Quoted(workdir));
  CHECK(show.exit_code == 0);
  CHECK(show.out.find("  dataset_tag = 2026-11-01\n") != std::string::npos);
  // The secret values reach the steps' environment only: not the output, the logs or the store.
  for (const std::string& value :
       {std::string("AKIA-TEST-ACCESS"), std::string("TEST-SECRET-VALUE")}) {
    CHECK(run.out.find(value) == std::string::npos);
    CHECK(run.err.find(value) == std::string::npos);
    CHECK(show.out.find(value) == std::string::npos);
    CHECK(!AnyFileContains(workdir, value));
  }

  CommandResult no_stage = RunCtp("run scripts/versioned_data.lua -p stages=1,5" + common);
  CHECK(no_stage.exit_code != 0);
  CHECK(no_stage.err.find(
            "scripts/versioned_data.lua:31: error: stage 5 does not exist (stages are 1 to 4)") !=
        std::string::npos);
}

}  // namespace
}  // namespace ctp::testing

namespace ctp::testing {
namespace {

TEST_CASE("scripts/hello.lua runs with the debug settings of scripts/settings.yaml") {
  ScratchDir dir;
  CommandResult run =
      RunCtp("run scripts/hello.lua --params scripts/settings.yaml --plain --workdir " +
             Quoted(dir.path()));
  INFO(run.out, run.err);
  REQUIRE(run.exit_code == 0);
  const std::filesystem::path run_dir = RunDir(dir.path(), run);
  CHECK(FileText(run_dir / "greet/outputs/greeting") == "hello debugger\n");
  CHECK(FileText(run_dir / "echo/outputs/message") == "counted 1 lines");
  CHECK(FileText(run_dir / "summary/outputs/summary") == "lines=1");
  CHECK(FileText(run_dir / "notify/log.txt") ==
        "no webhook configured: pipeline hello finished: Succeeded\n");
}

}  // namespace
}  // namespace ctp::testing

namespace ctp::testing {
namespace {

TEST_CASE(
    "scripts/train.lua: the exit handler prints status, accuracy, the deploy decision and the "
    "heatmaps; the report shows the test slide's heatmap over its thumbnail") {
  ScratchDir dir;
  const std::filesystem::path data = dir.path() / "volumes/wsi-data";
  std::filesystem::create_directories(data);
  for (const char* folder : {"slide", "region-annotation"})
    std::filesystem::copy(std::filesystem::path(CTP_SOURCE_DIR) / "scripts/data" / folder,
                          data / folder, std::filesystem::copy_options::recursive);
  CommandResult run =
      RunCtp("run scripts/train.lua -p epochs=1 --plain --workdir " + Quoted(dir.path()));
  INFO(run.out, run.err);
  REQUIRE(run.exit_code == 0);
  const std::filesystem::path run_dir = RunDir(dir.path(), run);
  const std::string accuracy = FileText(run_dir / "evaluate/outputs/accuracy");
  CHECK(FileText(run_dir / "deploy/outputs/promoted") ==
        "true");                                               // the first model is always promoted
  CHECK(FileText(run_dir / "predict/outputs/slides") == "1");  // the test split's one slide
  CHECK(FileText(run_dir / "notify/log.txt") ==
        "no webhook configured: pipeline wsi-continuous-training finished: Succeeded, accuracy " +
            accuracy + ", promoted true, heatmaps of 1 test slide(s)\n");
  // predict: the heatmap of the test slide and the summary of its predicted classes.
  const std::filesystem::path heatmap =
      run_dir / "predict/outputs/heatmaps/CMU-1-Small-Region-left.heatmap.png";
  CHECK(FileText(heatmap).rfind("\x89PNG", 0) == 0);
  const nlohmann::json summary =
      nlohmann::json::parse(FileText(run_dir / "predict/outputs/summary"));
  CHECK(summary["items"] == 845);  // the test split's patches (scripts/data/SOURCES.md)
  CHECK(summary["slides"][0]["slide"] == "CMU-1-Small-Region-left.tiff");
  CHECK(summary["failed"].empty());
  // The report draws that heatmap over the tile step's thumbnail of the slide.
  const std::filesystem::path report = dir.path() / "report.html";
  CommandResult made =
      RunCtp("report latest -o " + Quoted(report) + " --workdir " + Quoted(dir.path()));
  INFO(made.out, made.err);
  REQUIRE(made.exit_code == 0);
  const std::string html = FileText(report);
  CHECK(html.find("<svg class=\"heatmap\"") != std::string::npos);
  CHECK(html.find("aria-label=\"prediction heatmap of CMU-1-Small-Region-left.tiff") !=
        std::string::npos);
  CHECK(html.find("<image class=\"heatmap-layer\"") != std::string::npos);
  CHECK(html.find("<image class=\"thumbnail\"") != std::string::npos);
}

}  // namespace
}  // namespace ctp::testing
