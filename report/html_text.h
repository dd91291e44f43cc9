// Text for HTML and SVG: escaping, base64 data: URIs, and the number and time formats the report
// uses everywhere (so the same value always prints the same way).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "ctp/report/run_report.h"

namespace ctp::report {

/// Escapes & < > " ' for use in element text and attribute values.
std::string EscapeHtml(std::string_view text);

/// `data:<mime>;base64,...` (Boost's base64 iterators, padded as RFC 4648 says).
std::string DataUri(std::string_view mime, std::string_view bytes);

/// A metric value: up to 6 significant digits, no trailing zeros ("0.9375", "1.2e-05").
std::string FormatNumber(double value);

/// A coordinate in SVG: at most 2 decimals, no trailing zeros.
std::string FormatCoordinate(double value);

/// "2026-11-22 20:57:23 UTC", or "—" when absent.
std::string FormatTime(const std::optional<Timestamp>& time);

/// "850 ms", "12.3 s", "4 min 05 s", "1 h 02 min"; "—" when either end is absent.
std::string FormatDuration(const std::optional<Timestamp>& start,
                           const std::optional<Timestamp>& end);

}  // namespace ctp::report
