// Lua error messages that carry their own location ("file:line: message"), taken apart without
// regular expressions (a message may be megabytes long and hold any bytes).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ctp::interpreter {

/// A message split into the location it starts with and the rest.
struct LocatedMessage {
  std::string file;  ///< as written before the line number (may be a shortened chunk id)
  int line = 0;
  std::string text;  ///< what follows "file:line: "
};

/// Splits "FILE:LINE: TEXT" where FILE is the shortest prefix of the first line that is followed
/// by ":LINE: " (LINE: 1 to 9 digits). FILE may be empty only when `file_may_be_empty`.
/// std::nullopt when the message does not start that way.
std::optional<LocatedMessage> SplitLocatedMessage(std::string_view message,
                                                  bool file_may_be_empty = false);

/// The first line, from `line` on (at most 200 lines further), where `field` is assigned
/// (`field =`, not `field ==`), or `line` when there is none: where a bad field of a declaration
/// that spans several lines really is.
int LineOfAssignment(std::string_view text, int line, std::string_view field);

}  // namespace ctp::interpreter
