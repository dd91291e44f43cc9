// Paths the tests use: the source tree, shared/ beside it, and the built `ctp` binary.
#pragma once

#include <string>

namespace ctp::testing {

/// The project's source directory.
inline std::string SourcePath(const std::string& relative) {
  return std::string(CTP_SOURCE_DIR) + "/" + relative;
}

/// A path in shared/ (reference outputs, validators, slides), beside the checkout.
inline std::string SharedPath(const std::string& relative) {
  return std::string(CTP_SHARED_DIR) + "/" + relative;
}

/// The built `ctp` executable.
inline std::string CtpBinary() { return CTP_BINARY; }

}  // namespace ctp::testing
