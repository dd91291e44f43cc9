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

}  // namespace ctp::base
