#include "ctp/report/html_report.h"

#include <doctest/doctest.h>

#include "report_test_support.h"

using ctp::testing::CountOf;
using ctp::testing::SampleReport;

TEST_CASE("html report: one document with every section, in order") {
  const std::string html = ctp::report::RenderHtmlReport(SampleReport());
  CHECK(html.rfind("<!DOCTYPE html>\n<html lang=\"en\">", 0) == 0);
  CHECK(html.ends_with("</html>\n"));
  std::size_t previous = 0;
  for (const char* id : {"summary", "dag", "timeline", "params", "metrics", "curves", "confusion",
                         "tiling", "steps"}) {
    const std::size_t at = html.find(std::string("id=\"") + id + "\"");
    INFO(id);
    REQUIRE(at != std::string::npos);
    CHECK(at > previous);
    previous = at;
  }
  CHECK(html.find("<title>ctp run 20261122-205700-a1b2 · wsi-training</title>") !=
        std::string::npos);
  CHECK(html.find("<span class=\"badge status-failed\">failed</span>") != std::string::npos);
  CHECK(html.find("<dd>2026-11-22 20:57:00 UTC</dd>") != std::string::npos);
  CHECK(html.find("<dd>1 min 36 s</dd>") != std::string::npos);
}

TEST_CASE("html report: self-contained, no scripts and nothing fetched from the network") {
  const std::string html = ctp::report::RenderHtmlReport(SampleReport());
  CHECK(CountOf(html, "<script") == 0);
  CHECK(CountOf(html, "http://") == CountOf(html, "xmlns=\"http://www.w3.org/2000/svg\""));
  CHECK(CountOf(html, "https://") == 0);
  CHECK(CountOf(html, "<link") == 0);
  CHECK(CountOf(html, "href=\"data:image/png;base64,iVBORw0KGgo") ==
        3);  // thumbnail twice, heatmap
}

TEST_CASE("html report: the DAG has a node per step, coloured by status, and a path per edge") {
  const std::string html = ctp::report::RenderHtmlReport(SampleReport());
  CHECK(CountOf(html, "<svg class=\"dag\"") == 1);
  CHECK(CountOf(html, "<g class=\"node ") == 6);
  CHECK(html.find("<g class=\"node status-succeeded cache-hit\" data-step=\"prepare\">") !=
        std::string::npos);
  CHECK(html.find("<g class=\"node status-failed\" data-step=\"evaluate\">") != std::string::npos);
  CHECK(html.find("<g class=\"node status-skipped\" data-step=\"deploy\">") != std::string::npos);
  CHECK(html.find("<g class=\"node status-succeeded exit-handler\" data-step=\"notify\">") !=
        std::string::npos);
  CHECK(CountOf(html, "<path class=\"edge\"") == 5);
  // prepare (rank 0) -> tile (rank 1, row 0): from the right edge of one box to the left of the
  // next.
  CHECK(
      html.find("<path class=\"edge\" data-from=\"prepare\" data-to=\"tile\" d=\"M224,35 C254.5,35 "
                "254.5,35 285,35\" marker-end=\"url(#arrow)\"/>") != std::string::npos);
  CHECK(html.find(">exit handler · succeeded · 5.0 s<") != std::string::npos);
  CHECK(html.find(">succeeded · 1 min 16 s · 2 tries<") != std::string::npos);
}

TEST_CASE("html report: timeline bars, curves, metrics, confusion matrix and slides") {
  const std::string html = ctp::report::RenderHtmlReport(SampleReport());
  CHECK(CountOf(html, "<rect class=\"bar status-") == 5);  // deploy never ran
  CHECK(html.find("<rect class=\"bar status-succeeded cache-hit\"") != std::string::npos);
  CHECK(html.find("<text class=\"not-run\"") != std::string::npos);
  // train_loss and eval_loss share a chart; train_accuracy has its own.
  CHECK(CountOf(html, "<svg class=\"chart\"") == 2);
  CHECK(html.find("aria-label=\"train: train_loss, eval_loss\"") != std::string::npos);
  CHECK(CountOf(html, "<g class=\"series series-") == 3);
  CHECK(html.find("<title>train_loss @ 3: 0.55</title>") != std::string::npos);
  CHECK(html.find("<td class=\"number\">0.8125</td>") != std::string::npos);
  CHECK(html.find("<td class=\"number\">last of 3 (at 3)</td>") != std::string::npos);
  CHECK(CountOf(html, "<table class=\"confusion\">") == 1);
  CHECK(html.find("<td class=\"hit\" style=\"--share:0.870\"") != std::string::npos);
  CHECK(html.find(">25</td>") != std::string::npos);
  CHECK(html.find("<figure class=\"slide-view\" data-slide=\"CMU-1-Small-Region.svs\">") !=
        std::string::npos);
  CHECK(CountOf(html, "<rect class=\"patch label-positive\"") == 8);
  CHECK(CountOf(html, "<rect class=\"patch label-negative\"") == 8);
  CHECK(CountOf(html, "<rect class=\"patch label-none\"") == 4);
  CHECK(html.find("20 patches kept") != std::string::npos);
  // The thumbnail covers 120 x 90 pixels at 16 level-0 pixels each.
  CHECK(html.find("<image class=\"thumbnail\" x=\"0\" y=\"0\" width=\"1920\" height=\"1440\"") !=
        std::string::npos);
  CHECK(html.find("<svg class=\"heatmap\"") != std::string::npos);
}

TEST_CASE("html report: every user-supplied text is escaped") {
  ctp::report::RunReport report = SampleReport();
  report.run_id = "<script>alert(1)</script>";
  report.pipeline = "p&q";
  report.steps[0].step = "x\"><img src=x onerror=alert(1)>";
  report.edges[0].from = report.steps[0].step;
  report.edges[1].from = report.steps[0].step;
  report.slides[0].slide = "<slide>.svs";
  const std::string html = ctp::report::RenderHtmlReport(report);
  CHECK(CountOf(html, "<script") == 0);
  CHECK(CountOf(html, "<img src=x") == 0);
  CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  CHECK(html.find("p&amp;q") != std::string::npos);
  CHECK(html.find("data-step=\"x&quot;&gt;&lt;img src=x onerror=alert(1)&gt;\"") !=
        std::string::npos);
  CHECK(html.find("<td><code>&lt;b&gt;bold&lt;/b&gt; &amp; &#39;quoted&#39;</code></td>") !=
        std::string::npos);
  CHECK(html.find("error: &#39;bad&#39; &amp; &quot;worse&quot;") != std::string::npos);
  CHECK(html.find("<th scope=\"col\">positive &lt;tumour&gt;</th>") != std::string::npos);
  CHECK(html.find("data-slide=\"&lt;slide&gt;.svs\"") != std::string::npos);
}

TEST_CASE("html report: the same input gives the same bytes") {
  CHECK(ctp::report::RenderHtmlReport(SampleReport()) ==
        ctp::report::RenderHtmlReport(SampleReport()));
}

TEST_CASE("html report: an empty run still renders, saying what is missing") {
  ctp::report::RunReport report;
  report.run_id = "r1";
  report.pipeline = "empty";
  const std::string html = ctp::report::RenderHtmlReport(report);
  CHECK(html.find("No steps were recorded.") != std::string::npos);
  CHECK(html.find("No step has recorded times.") != std::string::npos);
  CHECK(html.find("This run has no parameters.") != std::string::npos);
  CHECK(html.find("No metrics were logged.") != std::string::npos);
  CHECK(html.find("No step logged a metric per epoch.") != std::string::npos);
  CHECK(html.find("No confusion matrix was recorded.") != std::string::npos);
  CHECK(html.find("No slides were tiled for this run.") != std::string::npos);
  CHECK(html.find("<dd>—</dd>") != std::string::npos);
}

TEST_CASE("html report: a looped step's iterations are one DAG node with the worst status") {
  ctp::report::RunReport report = SampleReport();
  ctp::StepRecord first = report.steps[2], second = report.steps[2];
  first.step = "train[0]";
  second.step = "train[1]";
  second.status = ctp::RunStatus::kFailed;
  second.started_at = first.started_at + 1;
  second.duration = first.duration + 9;  // ends 10 s after the first
  report.steps.erase(report.steps.begin() + 2);
  report.steps.insert(report.steps.begin() + 2, {first, second});
  const std::string html = ctp::report::RenderHtmlReport(report);
  CHECK(CountOf(html, "<g class=\"node ") == 6);
  CHECK(html.find("<g class=\"node status-failed\" data-step=\"train\">") != std::string::npos);
  CHECK(html.find(">failed · 1 min 26 s · 4 tries<") != std::string::npos);
  CHECK(html.find("<g class=\"lane\" data-step=\"train[1]\">") != std::string::npos);
}
