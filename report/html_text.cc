#include "html_text.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <boost/archive/iterators/base64_from_binary.hpp>
#include <boost/archive/iterators/transform_width.hpp>
#include <cmath>
#include <ctime>

namespace ctp::report {

std::string EscapeHtml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string DataUri(std::string_view mime, std::string_view bytes) {
  using namespace boost::archive::iterators;
  using Encoder = base64_from_binary<transform_width<std::string_view::const_iterator, 6, 8>>;
  std::string out = fmt::format("data:{};base64,", mime);
  out.append(Encoder(bytes.begin()), Encoder(bytes.end()));
  // The iterators emit whole 6-bit groups only; RFC 4648 pads the last group with '='.
  out.append((3 - bytes.size() % 3) % 3, '=');
  return out;
}

std::string FormatNumber(double value) {
  if (!std::isfinite(value)) return std::isnan(value) ? "NaN" : (value > 0 ? "∞" : "−∞");
  if (value == 0) return "0";
  return fmt::format("{:.6g}", value);
}

std::string FormatCoordinate(double value) {
  std::string text = fmt::format("{:.2f}", value);
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text == "-0" ? "0" : text;
}

std::string FormatTime(const std::optional<Timestamp>& time) {
  if (!time) return "—";
  const std::time_t seconds = static_cast<std::time_t>(std::floor(*time));
  return fmt::format("{:%Y-%m-%d %H:%M:%S} UTC", fmt::gmtime(seconds));
}

std::string FormatDuration(const std::optional<Timestamp>& start,
                           const std::optional<Timestamp>& end) {
  if (!start || !end) return "—";
  const double seconds = std::max(0.0, *end - *start);
  if (seconds < 1) return fmt::format("{:.0f} ms", seconds * 1000);
  if (seconds < 60) return fmt::format("{:.1f} s", seconds);
  const long long whole = static_cast<long long>(std::llround(seconds));
  if (whole < 3600) return fmt::format("{} min {:02} s", whole / 60, whole % 60);
  return fmt::format("{} h {:02} min", whole / 3600, (whole % 3600) / 60);
}

}  // namespace ctp::report
