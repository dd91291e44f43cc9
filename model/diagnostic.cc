#include "ctp/model/diagnostic.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>

#include "ctp/base/text_check.h"

namespace ctp {
namespace {

std::string Headline(const Diagnostic& d) {
  if (d.location.file.empty()) return "error: " + d.message;
  if (d.location.line <= 0) return fmt::format("{}: error: {}", d.location.file, d.message);
  return fmt::format("{}:{}: error: {}", d.location.file, d.location.line, d.message);
}

std::string SourceLine(const SourceLocation& location) {
  std::ifstream in(location.file);
  std::string line;
  for (int n = 1; n <= location.line && std::getline(in, line); ++n) {
    if (n == location.line) return line;
  }
  return {};
}

// Optimal string alignment distance: insertions, deletions, substitutions and transpositions of
// adjacent characters each cost 1 ("imgae" is one edit from "image").
std::size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

}  // namespace

Error::Error(std::vector<Diagnostic> diagnostics)
    : std::runtime_error(diagnostics.empty() ? "error" : Headline(diagnostics.front())),
      diagnostics_(std::move(diagnostics)) {}

Error::Error(Diagnostic diagnostic) : Error(std::vector<Diagnostic>{std::move(diagnostic)}) {}

Error::Error(SourceLocation location, std::string message, std::string highlight)
    : Error(Diagnostic{std::move(location), std::move(message), std::move(highlight)}) {}

std::string FormatDiagnostic(const Diagnostic& d, bool show_source) {
  std::string out = Headline(d) + "\n";
  if (!show_source || !d.quote_line || d.location.file.empty() || d.location.line <= 0) return out;
  std::string line = base::PrintableText(SourceLine(d.location));
  if (line.empty()) return out;
  std::replace(line.begin(), line.end(), '\t', ' ');
  out += "  " + line + "\n";
  std::size_t column = d.highlight.empty() ? std::string::npos : line.find(d.highlight);
  if (column != std::string::npos) out += "  " + std::string(column, ' ') + "^\n";
  return out;
}

std::string FormatError(const Error& error, bool show_source) {
  std::string out;
  for (const Diagnostic& d : error.diagnostics()) out += FormatDiagnostic(d, show_source);
  return out;
}

std::string ClosestMatch(const std::string& name, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = std::string::npos;
  for (const std::string& candidate : candidates) {
    std::size_t distance = EditDistance(name, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  // Close enough to be a typo: at most a third of the name's length, and at least one edit allowed.
  std::size_t allowed = std::max<std::size_t>(1, name.size() / 3);
  return best_distance <= allowed ? best : std::string();
}

std::string Abbreviated(const std::string& text) {
  if (text.size() <= 80) return text;
  std::size_t cut = 60;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // UTF-8
  return text.substr(0, cut) + "... (" + std::to_string(text.size()) + " bytes)";
}

std::string DidYouMean(const std::string& name, const std::vector<std::string>& candidates) {
  std::string match = ClosestMatch(name, candidates);
  return match.empty() ? std::string() : " (did you mean '" + match + "'?)";
}

}  // namespace ctp
