// Text that goes into a pipeline (YAML, command lines, file names) must be UTF-8 without NUL bytes:
// a NUL cuts a C string short, and bytes that are not UTF-8 are not YAML.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ctp::base {

/// Why `text` cannot go into a pipeline — "contains a NUL byte (at byte N)" or "is not valid
/// UTF-8 (at byte N)", N counted from 1 — or nullopt when it can. UTF-8 as RFC 3629 defines it:
/// no overlong forms, no surrogates, nothing above U+10FFFF.
std::optional<std::string> TextProblem(std::string_view text);

/// The offset (from 0) of the byte TextProblem reports, or nullopt when `text` has no problem.
std::optional<std::size_t> TextProblemOffset(std::string_view text);

/// `text` with each NUL byte shown as `\0` and each byte that is not part of valid UTF-8 as
/// `\xNN`, so that it can be printed (a source line quoted in a message).
std::string PrintableText(std::string_view text);

}  // namespace ctp::base
