// Paths the tests use: the source tree (test data lives in it) and the built `ctp` binary.
#pragma once

#include <string>

namespace ctp::testing {

/// The project's source directory.
inline std::string SourcePath(const std::string& relative) {
  return std::string(CTP_SOURCE_DIR) + "/" + relative;
}

/// The built `ctp` executable.
inline std::string CtpBinary() { return CTP_BINARY; }

}  // namespace ctp::testing
