// Diagnostics: errors that point at a line of the user's script.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "ctp/model/pipeline.h"

namespace ctp {

/// One problem found in a script, at the line that declared the offending object.
struct Diagnostic {
  SourceLocation location;  ///< empty file = not tied to a script
  std::string message;
  std::string highlight;  ///< text on the line to put the caret under; empty = no caret
  bool quote_line = true;  ///< false for a file holding secrets: its lines are never shown
};

/// A failure that carries diagnostics. `what()` is the first diagnostic, formatted without source.
class Error : public std::runtime_error {
 public:
  explicit Error(std::vector<Diagnostic> diagnostics);
  explicit Error(Diagnostic diagnostic);
  Error(SourceLocation location, std::string message, std::string highlight = {});

  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

/// `file:line: error: message`, and with `show_source` the script line and a caret under
/// the highlight (when the file can be read and the highlight is found on the line).
std::string FormatDiagnostic(const Diagnostic& diagnostic, bool show_source = true);

/// Formats every diagnostic of an error, one after the other.
std::string FormatError(const Error& error, bool show_source = true);

/// `text` as a message quotes it: unchanged up to 80 bytes, else its first 60 bytes, "...", and
/// its length ("1111...111 (100000 bytes)"), so a huge value never floods a message.
std::string Abbreviated(const std::string& text);

/// The candidate closest to `name` by edit distance, when it is close enough to be a likely typo.
std::string ClosestMatch(const std::string& name, const std::vector<std::string>& candidates);

/// " (did you mean 'x'?)" for the closest candidate, or "" when none is close.
std::string DidYouMean(const std::string& name, const std::vector<std::string>& candidates);

}  // namespace ctp
