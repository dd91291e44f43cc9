// Opens a rendered report in headless Chromium (Debian's `chromium`): the screenshot must show
// the page (not blank, the status colours of the DAG present) and the DOM Chromium built must
// hold the report's elements. Skipped, saying so, when Chromium is not installed.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <tuple>

#include "ctp/html_report.h"
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
  CHECK(ctp::testing::CountOf(dom, "<section id=\"") == 8);
  CHECK(ctp::testing::CountOf(dom, "<script") == 0);
  fs::remove_all(dir);
}
