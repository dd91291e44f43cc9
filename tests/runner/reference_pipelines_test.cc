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

// The newest run folder of a workdir.
std::filesystem::path NewestRun(const std::filesystem::path& workdir) {
  std::filesystem::path newest;
  for (const auto& entry : std::filesystem::directory_iterator(workdir / "runs"))
    if (newest.empty() || entry.path().filename() > newest.filename()) newest = entry.path();
  REQUIRE(!newest.empty());
  return newest;
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
  const std::filesystem::path run_dir = NewestRun(dir.path());
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
  const std::filesystem::path run_dir = NewestRun(workdir);
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
