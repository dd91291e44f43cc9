// Golden files: compare text with a file in the source tree. With CTP_UPDATE_GOLDEN=1 in the
// environment the file is (re)written instead, for review with `git diff`.
#pragma once

#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace ctp::testing {

/// The content of a file, or "" when it cannot be read.
inline std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

/// Checks that `actual` equals the golden file at `path`.
inline void CheckGolden(const std::string& actual, const std::string& path) {
  const char* update = std::getenv("CTP_UPDATE_GOLDEN");
  if (update && std::string(update) == "1") {
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  INFO("golden file: " << path);
  CHECK(actual == ReadText(path));
}

}  // namespace ctp::testing
