#include "ctp/model/diagnostic.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <fstream>

#include "ctp/base/text_check.h"

namespace ctp {
namespace {

std::string Headline(const Diagnostic& d) {
  const char* kind = d.severity == Diagnostic::Severity::kWarning ? "warning" : "error";
  if (d.location.file.empty()) return fmt::format("{}: {}", kind, d.message);
  if (d.location.line <= 0) return fmt::format("{}: {}: {}", d.location.file, kind, d.message);
  return fmt::format("{}:{}: {}: {}", d.location.file, d.location.line, kind, d.message);
}

bool WordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Where `highlight` is on `line`: its first whole-word occurrence (no letter, digit or '_' just
// before or after it where it starts or ends with one), else its first occurrence.
std::size_t HighlightColumn(const std::string& line, const std::string& highlight) {
  if (highlight.empty()) return std::string::npos;
  for (std::size_t at = line.find(highlight); at != std::string::npos;
       at = line.find(highlight, at + 1)) {
    const std::size_t end = at + highlight.size();
    const bool starts_word = at > 0 && WordChar(highlight.front()) && WordChar(line[at - 1]);
    const bool ends_word = end < line.size() && WordChar(highlight.back()) && WordChar(line[end]);
    if (!starts_word && !ends_word) return at;
  }
  return line.find(highlight);
}

// Whether the letters of `name` appear in `candidate` in order, the first one first.
bool Abbreviates(const std::string& name, const std::string& candidate) {
  if (name.size() < 2 || candidate.empty() || name.front() != candidate.front()) return false;
  std::size_t at = 0;
  for (char c : candidate)
    if (at < name.size() && c == name[at]) ++at;
  return at == name.size();
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
  std::size_t column = HighlightColumn(line, d.highlight);
  if (column != std::string::npos) out += "  " + std::string(column, ' ') + "^\n";
  return out;
}

std::string FormatError(const Error& error, bool show_source) {
  std::string out;
  for (const Diagnostic& d : error.diagnostics()) out += FormatDiagnostic(d, show_source);
  return out;
}

std::string ClosestMatch(const std::string& name, const std::vector<std::string>& candidates) {
  std::string typo, abbreviated;
  std::size_t typo_distance = std::string::npos, abbreviated_distance = std::string::npos;
  for (const std::string& candidate : candidates) {
    if (candidate == name) continue;
    std::size_t distance = EditDistance(name, candidate);
    if (distance < typo_distance) {
      typo_distance = distance;
      typo = candidate;
    }
    if (distance < abbreviated_distance && Abbreviates(name, candidate)) {
      abbreviated_distance = distance;
      abbreviated = candidate;
    }
  }
  // Close enough to be a typo: at most a third of the name's length, and at least one edit allowed.
  std::size_t allowed = std::max<std::size_t>(1, name.size() / 3);
  return typo_distance <= allowed ? typo : abbreviated;
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
