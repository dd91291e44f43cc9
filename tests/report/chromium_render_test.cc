// Opens a rendered report in headless Chromium (Debian's `chromium`): the screenshot must show
// the page (not blank, the status colours of the DAG present) and the DOM Chromium built must
// hold the report's elements; for a demo-like run (the demo's test slide tiled, a model's
// predictions on it) the slide's heatmap over its thumbnail. Skipped, saying so, when Chromium
// is not installed.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <tuple>

#include "../native/native_step_runner.h"
#include "../native/tile_test_support.h"
#include "ctp/report/html_report.h"
#include "ctp/report/report_loader.h"
#include "golden.h"
#include "report_test_support.h"

namespace fs = std::filesystem;

namespace {

/// $CTP_CHROMIUM, else `chromium` or `chromium-browser` on the PATH, else "".
std::string FindChromium() {
  if (const char* path = std::getenv("CTP_CHROMIUM")) return path;
  for (const char* name : {"chromium", "chromium-browser"}) {
    const std::string probe = std::string("command -v ") + name + " > /dev/null 2>&1";
    if (std::system(probe.c_str()) == 0) return name;
  }
  return "";
}

/// Runs Chromium headless on `page` with `extra` flags; returns the exit status.
int RunChromium(const std::string& chromium, const fs::path& dir, const fs::path& page,
                const std::string& extra, const fs::path& out) {
  const std::string command =
      "cd '" + dir.string() + "' && HOME='" + dir.string() + "' timeout 90 " + chromium +
      " --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run "
      "--user-data-dir='" +
      (dir / "profile").string() + "' " + extra + " 'file://" + page.string() + "' > '" +
      out.string() + "' 2> '" + (dir / "chromium.log").string() + "'";
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

TEST_CASE("html report in headless Chromium: the page renders and holds the report's elements") {
  const std::string chromium = FindChromium();
  if (chromium.empty()) {
    std::cout
        << "SKIPPED: headless Chromium check (install Debian's chromium: deps/packages.txt)\n";
    return;
  }
  const fs::path dir =
      fs::temp_directory_path() / ("ctp_report_chromium_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path page = dir / "report.html";
  std::ofstream(page, std::ios::binary)
      << ctp::report::RenderHtmlReport(ctp::testing::SampleReport());

  const fs::path shot = dir / "shot.png";
  const int screenshot_status = RunChromium(
      chromium, dir, page, "--window-size=1280,2000 --screenshot='" + shot.string() + "'",
      dir / "stdout.txt");
  INFO("chromium log: " << ctp::testing::ReadText((dir / "chromium.log").string()));
  REQUIRE(screenshot_status == 0);
  const ctp::testing::TestImage image =
      ctp::testing::DecodeTestPng(ctp::testing::ReadText(shot.string()));
  CHECK(image.width == 1280);
  CHECK(image.height == 2000);
  std::size_t non_white = 0;
  std::set<std::tuple<int, int, int>> colours;
  for (std::size_t i = 0; i + 2 < image.pixels.size(); i += 3) {
    const int r = image.pixels[i], g = image.pixels[i + 1], b = image.pixels[i + 2];
    non_white += (r < 245 || g < 245 || b < 245);
    colours.insert({r, g, b});
  }
  const double share = double(non_white) / double(std::size_t(image.width) * image.height);
  INFO("non-white share " << share << ", distinct colours " << colours.size());
  CHECK(
      share >
      0.05);  // ink: text, the DAG, bars, charts, the slide (background and panels are near white)
  CHECK(colours.size() > 200);
  CHECK(colours.count({0x2e, 0x9d, 0x5b}) == 1);  // succeeded nodes (CSS applied to the SVG)
  CHECK(colours.count({0xd6, 0x45, 0x45}) == 1);  // the failed node
  CHECK(colours.count({0xc9, 0xa2, 0x27}) == 1);  // the skipped node

  const fs::path dom_file = dir / "dom.html";
  REQUIRE(RunChromium(chromium, dir, page, "--dump-dom", dom_file) == 0);
  const std::string dom = ctp::testing::ReadText(dom_file.string());
  CHECK(ctp::testing::CountOf(dom, "<svg class=\"dag\"") == 1);
  CHECK(ctp::testing::CountOf(dom, "<g class=\"node ") == 6);
  CHECK(ctp::testing::CountOf(dom, "<path class=\"edge\"") == 5);
  CHECK(ctp::testing::CountOf(dom, "<svg class=\"chart\"") == 2);
  CHECK(ctp::testing::CountOf(dom, "<table class=\"confusion\">") == 1);
  CHECK(ctp::testing::CountOf(dom, "<figure class=\"slide-view\"") == 1);
  CHECK(ctp::testing::CountOf(dom, "<svg class=\"heatmap\"") == 1);
  CHECK(ctp::testing::CountOf(dom, "<image class=\"heatmap-layer\"") == 1);
  CHECK(ctp::testing::CountOf(dom, "<section id=\"") == 8);
  CHECK(ctp::testing::CountOf(dom, "<script") == 0);
  fs::remove_all(dir);
}

TEST_CASE("html report in headless Chromium: a demo-like run shows the slide's heatmap") {
  const std::string chromium = FindChromium();
  if (chromium.empty()) {
    std::cout
        << "SKIPPED: headless Chromium check (install Debian's chromium: deps/packages.txt)\n";
    return;
  }
  // The demo's test slide and its regions (scripts/data), tiled as train.lua does but with a
  // coarser stride; a one-layer model trained briefly on the patches, then predict over the
  // folder of slides into the run folder, as the demo's predict step does.
  const std::string stem = "CMU-1-Small-Region-left";
  ctp::testing::ScratchRoot data("report-demo");
  fs::create_directories(data.root / "slide" / "test");
  fs::create_symlink(ctp::testing::SourcePath("scripts/data/slide/test/" + stem + ".tiff"),
                     data.root / "slide" / "test" / (stem + ".tiff"));
  for (const char* label : {"positive", "negative"}) {
    fs::create_directories(data.root / "region-annotation" / label);
    fs::copy(ctp::testing::SourcePath(std::string("scripts/data/region-annotation/") + label + "/" +
                                      stem),
             data.root / "region-annotation" / label / stem);
  }
  const ctp::testing::TileRun tiled = ctp::testing::RunTile(data.root, {{"patch_size", "64"},
                                                                        {"stride", "64"},
                                                                        {"min_tissue", "0.5"},
                                                                        {"format", "jpeg"},
                                                                        {"threads", "2"}});
  REQUIRE(tiled.error == "");
  REQUIRE(tiled.patches > 0);
  const fs::path shards = data.root / "slide-patch" / "test" / "shard";
  const fs::path run_dir = data.root / "runs" / "demo";
  ctp::testing::RunStep("train",
                        {{"data", shards.string()},
                         {"model", R"([{"type":"gap"},{"type":"linear","out":2}])"},
                         {"epochs", "1"},
                         {"checkpoint_root", (data.root / "model-checkpoint").string()}},
                        run_dir / "train" / "outputs");
  ctp::testing::RunStep(
      "predict",
      {{"checkpoint",
        ctp::testing::ReadText((run_dir / "train" / "outputs" / "checkpoint").string())},
       {"data", shards.string()},
       {"slide", (data.root / "slide" / "test").string()}},
      run_dir / "predict" / "outputs");

  ctp::report::RunReport report;
  report.run_id = "demo";
  report.pipeline = "wsi-continuous-training";
  ctp::report::LoadRunFolder(run_dir, report);
  ctp::report::LoadTiledSlides(data.root, report);
  REQUIRE(report.slides.size() == 1);
  CHECK(report.slides[0].slide == stem + ".tiff");
  CHECK_FALSE(report.slides[0].thumbnail_png.empty());
  CHECK_FALSE(report.slides[0].heatmap_png.empty());
  const fs::path page = data.root / "report.html";
  std::ofstream(page, std::ios::binary) << ctp::report::RenderHtmlReport(report);
  const fs::path dom_file = data.root / "dom.html";
  INFO("chromium log: " << ctp::testing::ReadText((data.root / "chromium.log").string()));
  REQUIRE(RunChromium(chromium, data.root, page, "--dump-dom", dom_file) == 0);
  const std::string dom = ctp::testing::ReadText(dom_file.string());
  CHECK(ctp::testing::CountOf(
            dom, "<figure class=\"slide-view\" data-slide=\"" + stem + ".tiff\"") == 1);
  CHECK(ctp::testing::CountOf(dom, "<svg class=\"heatmap\"") == 1);
  CHECK(ctp::testing::CountOf(dom, "aria-label=\"prediction heatmap of " + stem + ".tiff\"") == 1);
  CHECK(ctp::testing::CountOf(dom, "<image class=\"heatmap-layer\"") == 1);
  CHECK(ctp::testing::CountOf(dom, "<image class=\"thumbnail\"") == 2);  // grid and heatmap
  CHECK(ctp::testing::CountOf(dom, "No thumbnail was recorded") == 0);
}
