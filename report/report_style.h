// The report page's stylesheet (inlined into every report).
#pragma once

#include <string_view>

namespace ctp::report {

/// CSS for the page, including the status, series and label colours the SVG fragments use.
std::string_view ReportStylesheet();

}  // namespace ctp::report
