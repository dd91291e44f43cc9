// Diagnostics: errors that point at a line of the user's script.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "ctp/model/pipeline.h"

namespace ctp {

/// One problem found in a script, at the line that declared the offending object.
struct Diagnostic {
  /// An error stops the command; a warning is printed and the command goes on.
  enum class Severity { kError, kWarning };
  SourceLocation location;  ///< empty file = not tied to a script
  std::string message;
  std::string highlight;  ///< text on the line to put the caret under; empty = no caret
  bool quote_line = true;  ///< false for a file holding secrets: its lines are never shown
  Severity severity = Severity::kError;
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

/// `file:line: error: message` (`warning:` for a warning), and with `show_source` the script
/// line and a caret under the highlight (when the file can be read and the highlight is found on
/// the line: as a whole word when it appears as one, so "a" is not found inside "local").
std::string FormatDiagnostic(const Diagnostic& diagnostic, bool show_source = true);

/// Formats every diagnostic of an error, one after the other.
std::string FormatError(const Error& error, bool show_source = true);

/// `text` as a message quotes it: unchanged up to 80 bytes, else its first 60 bytes, "...", and
/// its length ("1111...111 (100000 bytes)"), so a huge value never floods a message.
std::string Abbreviated(const std::string& text);

/// The candidate `name` most likely stands for, or "": the closest by edit distance when it is
/// within a third of the name's length (a typo: "imgae" → "image"), else the closest of those
/// that start with the name's first letter and hold all its letters in order (an abbreviation:
/// "cnt" → "count", "lr" → "learning_rate"; names of two letters or more).
std::string ClosestMatch(const std::string& name, const std::vector<std::string>& candidates);

/// " (did you mean 'x'?)" for the closest candidate, or "" when none is close.
std::string DidYouMean(const std::string& name, const std::vector<std::string>& candidates);

}  // namespace ctp
