// The loader on what the real tile step writes: its per-slide metadata for CMU-1-Small-Region with
// the hand-drawn test polygons (9 positive and 9 negative patches, see tests/native/tile_test.cc).
#include <doctest/doctest.h>

#include "../native/tile_test_support.h"
#include "ctp/report/html_report.h"
#include "ctp/report/report_loader.h"
#include "report_test_support.h"

namespace ctp::testing {

TEST_CASE("report loader: the tile step's metadata becomes the slide's patch grid") {
  const std::string cmu = "CMU-1-Small-Region";
  ScratchRoot data("report-grid");
  data.AddSlide("slides/" + cmu + ".svs", cmu + ".svs");
  data.AddAnnotation("annotations/positive/" + cmu + "/rectangle.geojson", "positive", cmu);
  data.AddAnnotation("annotations/positive/" + cmu + "/triangle.geojson", "positive", cmu);
  data.AddAnnotation("annotations/negative/" + cmu + "/square-with-hole.geojson", "negative", cmu);
  TileRun run = RunTile(data.root, {{"min_tissue", "0"}, {"format", "jpeg"}, {"threads", "2"}});
  REQUIRE(run.error == "");

  report::RunReport report;
  report::LoadTiledSlides(data.root, report);
  REQUIRE(report.slides.size() == 1);
  const report::SlideView& slide = report.slides[0];
  CHECK(slide.slide == cmu + ".svs");
  CHECK(slide.split == "train");
  REQUIRE(slide.patches.size() == 18);
  const auto at = std::find_if(slide.patches.begin(), slide.patches.end(),
                               [](const auto& p) { return p.x == 768 && p.y == 1280; });
  REQUIRE(at != slide.patches.end());
  CHECK(at->label == "positive");
  CHECK(at->size == 256);

  const std::string html = report::RenderHtmlReport(report);
  CHECK(CountOf(html, "<rect class=\"patch label-positive\"") == 9);
  CHECK(CountOf(html, "<rect class=\"patch label-negative\"") == 9);
  CHECK(html.find("<rect class=\"patch label-positive\" x=\"768\" y=\"1280\" width=\"256\" "
                  "height=\"256\"/>") != std::string::npos);
}

}  // namespace ctp::testing
