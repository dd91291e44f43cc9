#include "ctp/report/report_loader.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <fstream>

#include "cnn/evaluate_metrics.h"
#include "report_test_support.h"

namespace fs = std::filesystem;
using ctp::report::RunReport;

namespace {

/// A fresh folder, removed when the test ends.
struct TempFolder {
  fs::path path;
  explicit TempFolder(const std::string& name)
      : path(fs::temp_directory_path() / (name + "_" + std::to_string(::getpid()))) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempFolder() { fs::remove_all(path); }
};

void Write(const fs::path& path, const std::string& content) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << content;
}

/// The evaluate step's two KFP documents, written by the step's own code.
void WriteEvaluateOutputs(const fs::path& outputs) {
  const auto scored =
      ctp::native::Score({0, 0, 0, 1, 1}, {0, 0, 1, 1, 1}, {"normal", "tumour, grade 2"});
  Write(outputs / "mlpipeline_metrics", ctp::native::KfpMetrics(scored).dump(2));
  Write(outputs / "mlpipeline_ui_metadata", ctp::native::KfpUiMetadata(scored).dump(2));
}

/// A step record with only a name.
ctp::StepRecord Step(const std::string& name) {
  ctp::StepRecord step;
  step.step = name;
  return step;
}

}  // namespace

TEST_CASE("report loader: logs, logged metrics, KFP documents and heatmaps of a run folder") {
  TempFolder run("ctp_report_run");
  Write(run.path / "train" / "log.txt",
        "epoch 1\nmetric: train_loss=0.9 (step 1)\nmetric: train_loss=0.5 (step 2)\n"
        "metric: train_loss=0.4 (step 2)\nmetric: images_per_second=1234.5\n"
        "metric: broken line\nprogress: 2/2 epochs\n");
  WriteEvaluateOutputs(run.path / "evaluate" / "outputs");
  const std::string heatmap = ctp::testing::EncodeTestPng(ctp::testing::GradientImage(8, 6));
  Write(run.path / "predict" / "outputs" / "slide-a.heatmap.png", heatmap);

  RunReport report;
  report.steps = {Step("train"), Step("evaluate")};
  ctp::report::LoadRunFolder(run.path, report);

  REQUIRE(report.series.size() == 1);
  CHECK(report.series[0].step == "train");
  CHECK(report.series[0].name == "train_loss");
  REQUIRE(report.series[0].points.size() == 2);
  CHECK(report.series[0].points[1].index == 2);
  CHECK(report.series[0].points[1].value == doctest::Approx(0.4));  // the later value wins
  REQUIRE(report.scalars.size() >= 3);
  CHECK(report.scalars[0].step == "evaluate");
  CHECK(report.scalars[0].name == "accuracy");
  CHECK(report.scalars[0].value == doctest::Approx(0.8));
  CHECK(report.scalars.back().name == "images_per_second");
  CHECK(report.scalars.back().value == doctest::Approx(1234.5));
  REQUIRE(report.confusion);
  CHECK(report.confusion->step == "evaluate");
  CHECK(report.confusion->class_names == std::vector<std::string>{"normal", "tumour, grade 2"});
  CHECK(report.confusion->counts == std::vector<std::vector<long long>>{{2, 1}, {0, 2}});
  CHECK(report.log_tails["train"].rfind("epoch 1\nmetric: train_loss=0.9", 0) == 0);
  CHECK(report.log_tails["train"].ends_with("progress: 2/2 epochs"));
  CHECK(report.log_tails["evaluate"].empty());
  REQUIRE(report.slides.size() == 1);
  CHECK(report.slides[0].slide == "slide-a");
  CHECK(report.slides[0].heatmap_png == heatmap);
}

TEST_CASE("report loader: a looped step's iterations are read as tasks step[i]") {
  TempFolder run("ctp_report_loop");
  Write(run.path / "fan" / "0" / "log.txt", "metric: score=1\n");
  Write(run.path / "fan" / "1" / "log.txt", "metric: score=2\niteration one\n");
  Write(run.path / "fan" / "outputs" / "note", "not an iteration");
  RunReport report;
  report.steps = {Step("fan"), Step("fan[0]"), Step("fan[1]")};
  ctp::report::LoadRunFolder(run.path, report);
  REQUIRE(report.scalars.size() == 2);
  CHECK(report.scalars[0].step == "fan[0]");
  CHECK(report.scalars[1].step == "fan[1]");
  CHECK(report.scalars[1].value == 2);
  CHECK(report.log_tails["fan"].empty());
  CHECK(report.log_tails["fan[1]"] == "metric: score=2\niteration one");
}

TEST_CASE("report loader: the log tail keeps the last 20 lines") {
  TempFolder run("ctp_report_tail");
  std::string log;
  for (int i = 1; i <= 30; ++i) log += "line " + std::to_string(i) + "\n";
  Write(run.path / "s" / "log.txt", log);
  RunReport report;
  report.steps = {Step("s")};
  ctp::report::LoadRunFolder(run.path, report);
  CHECK(report.log_tails["s"].rfind("line 11\nline 12\n", 0) == 0);
  CHECK(report.log_tails["s"].ends_with("\nline 30"));
}

TEST_CASE("report loader: tiled slides from preprocess-metadata, with their thumbnails") {
  TempFolder data("ctp_report_data");
  const std::string thumbnail = ctp::testing::EncodeTestPng(ctp::testing::GradientImage(40, 30));
  Write(data.path / "preprocess-metadata" / "slide-a.thumbnail.png", thumbnail);
  Write(data.path / "preprocess-metadata" / "slide-a.json", R"({
    "slide": "slide-a.svs", "split": "test", "level": 1, "downsample": 4, "patch_size": 64,
    "thumbnail": {"file": "slide-a.thumbnail.png", "downsample": 32},
    "patches": [{"x": 0, "y": 256, "label": "positive", "name": "p0"},
                {"x": 256, "y": 256, "label": "negative", "name": "p1"}]})");
  Write(
      data.path / "preprocess-metadata" / "slide-b.json",
      R"({"slide": "slide-b.tiff", "downsample": 1, "patch_size": 128, "patches": [{"x": 5, "y": 7}]})");

  RunReport report;
  report.slides.push_back({});
  report.slides[0].slide = "slide-a";  // a heatmap found first, by stem
  report.slides[0].heatmap_png = "heat";
  ctp::report::LoadTiledSlides(data.path, report);
  REQUIRE(report.slides.size() == 2);
  const auto& a = report.slides[0];
  CHECK(a.slide == "slide-a.svs");
  CHECK(a.split == "test");
  CHECK(a.heatmap_png == "heat");
  REQUIRE(a.patches.size() == 2);
  CHECK(a.patches[1].x == 256);
  CHECK(a.patches[1].size == 256);  // 64 pixels at level 1, 4 level-0 pixels each
  CHECK(a.patches[1].label == "negative");
  CHECK(a.thumbnail_png == thumbnail);
  CHECK(a.thumbnail_width == 40);
  CHECK(a.thumbnail_height == 30);
  CHECK(a.thumbnail_downsample == 32);
  const auto& b = report.slides[1];
  CHECK(b.slide == "slide-b.tiff");
  CHECK(b.patches[0].label == "none");
  CHECK(b.thumbnail_png.empty());

  RunReport capped;
  ctp::report::LoadTiledSlides(data.path, capped, 1);
  CHECK(capped.slides.size() == 1);
  RunReport none;
  ctp::report::LoadTiledSlides(data.path / "nowhere", none);
  CHECK(none.slides.empty());
}

TEST_CASE("report loader: bad files are refused with the file's path and the problem") {
  TempFolder run("ctp_report_bad");
  const fs::path metrics = run.path / "evaluate" / "outputs" / "mlpipeline-metrics.json";
  RunReport report;

  Write(metrics, "{\"metrics\": [");
  CHECK_THROWS_WITH(ctp::report::LoadRunFolder(run.path, report),
                    doctest::Contains((metrics.string() + ": not valid JSON (").c_str()));
  Write(metrics, R"({"metrics": [{"name": "accuracy", "numberValue": 1e400}]})");
  CHECK_THROWS_WITH(ctp::report::LoadRunFolder(run.path, report),
                    (metrics.string() + ": not valid JSON ([json.exception.out_of_range.406] "
                                        "number overflow parsing '1e400')")
                        .c_str());
  Write(metrics, R"({"metrics": [{"name": "accuracy", "numberValue": "high"}]})");
  CHECK_THROWS_WITH(
      ctp::report::LoadRunFolder(run.path, report),
      (metrics.string() + ": field 'metrics[0].numberValue' must be a number, got \"high\"")
          .c_str());
  fs::remove(metrics);

  const fs::path ui = run.path / "evaluate" / "outputs" / "mlpipeline_ui_metadata";
  Write(ui, R"({"outputs": [{"type": "confusion_matrix", "storage": "inline", "labels": ["a", "b"],
                "source": "a,a,3\na,c,1\n"}]})");
  CHECK_THROWS_WITH(
      ctp::report::LoadRunFolder(run.path, report),
      (ui.string() + ": field 'outputs[0].source' line 2: expected \"target,predicted,count\" "
                     "with labels from \"labels\", got 'a,c,1'")
          .c_str());
  fs::remove(ui);

  const fs::path heatmap = run.path / "predict" / "outputs" / "s.heatmap.png";
  Write(heatmap, "not a png");
  CHECK_THROWS_WITH(ctp::report::LoadRunFolder(run.path, report),
                    (heatmap.string() + ": not a PNG file").c_str());
  fs::remove(heatmap);

  CHECK_THROWS_WITH(ctp::report::LoadRunFolder(run.path / "missing", report),
                    ((run.path / "missing").string() + ": no such run folder").c_str());

  const fs::path slide = run.path / "preprocess-metadata" / "s.json";
  Write(slide, R"({"patch_size": 64, "patches": [], "thumbnail": {"file": "s.png"}})");
  CHECK_THROWS_WITH(ctp::report::LoadTiledSlides(run.path, report),
                    (slide.string() + ": field 'thumbnail.downsample' is missing").c_str());
  Write(slide,
        R"({"patch_size": 64, "patches": [], "thumbnail": {"file": "s.png", "downsample": 8}})");
  CHECK_THROWS_WITH(ctp::report::LoadTiledSlides(run.path, report),
                    (slide.string() + ": " + (run.path / "preprocess-metadata" / "s.png").string() +
                     ": cannot be read")
                        .c_str());
  Write(slide, R"({"patch_size": 64, "patches": [{"x": 1}]})");
  CHECK_THROWS_WITH(ctp::report::LoadTiledSlides(run.path, report),
                    (slide.string() + ": field 'patches[0].y' is missing").c_str());
  Write(slide, R"({"patch_size": 64, "patches": [], "downsample": "4"})");
  CHECK_THROWS_WITH(ctp::report::LoadTiledSlides(run.path, report),
                    (slide.string() + ": field 'downsample' must be a number, got \"4\"").c_str());
}
