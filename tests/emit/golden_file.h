// Golden files for emitter tests: tests/emit/golden/NAME, rewritten with CTP_UPDATE_GOLDEN=1.
#pragma once

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "test_paths.h"

namespace ctp::testing {

/// The golden file's text ("" when missing); with CTP_UPDATE_GOLDEN set, `actual` is written first.
inline std::string Golden(const std::string& name, const std::string& actual) {
  const std::string path = SourcePath("tests/emit/golden/" + name);
  if (std::getenv("CTP_UPDATE_GOLDEN")) std::ofstream(path, std::ios::binary) << actual;
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace ctp::testing
