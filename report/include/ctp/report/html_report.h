// The HTML run report: one self-contained file (inline CSS and SVG, images as data: URIs, no
// script and no network) showing a run's DAG, timeline, params, metrics, curves, confusion
// matrix and tiled slides.
#pragma once

#include <string>

#include "ctp/report/run_report.h"

namespace ctp::report {

/// Renders `report` as a complete HTML document. Same input, same bytes.
std::string RenderHtmlReport(const RunReport& report);

}  // namespace ctp::report
