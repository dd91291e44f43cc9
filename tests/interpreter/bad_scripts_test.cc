// Every script in tests/interpreter/bad_scripts/ must fail with exactly the diagnostic in its
// .err file (source line and caret included).
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>

#include "ctp/model/diagnostic.h"
#include "ctp/interpreter/script.h"
#include "ctp/native/builtin_steps.h"
#include "ctp/step/step_registry.h"
#include "golden.h"
#include "test_paths.h"

namespace fs = std::filesystem;

TEST_CASE("each bad script produces its exact diagnostic") {
  ctp::RegisterBuiltinSteps(ctp::StepRegistry::Default());
  fs::current_path(CTP_SOURCE_DIR);  // diagnostics name scripts by the path we load them with
  std::vector<fs::path> scripts;
  for (const auto& entry : fs::directory_iterator("tests/interpreter/bad_scripts"))
    if (entry.path().extension() == ".lua") scripts.push_back(entry.path());
  std::sort(scripts.begin(), scripts.end());
  CHECK(scripts.size() >= 25);
  ctp::LoadOptions options;
  options.instruction_limit = 20'000'000;
  options.memory_limit = 32u << 20;
  for (const fs::path& script : scripts) {
    CAPTURE(script);
    std::string diagnostic = "(no error)\n";
    try {
      ctp::LoadPipeline(script.string(), options);
    } catch (const ctp::Error& e) {
      diagnostic = ctp::FormatError(e);
    }
    fs::path expected = script;
    expected.replace_extension(".err");
    ctp::testing::CheckGolden(diagnostic, expected.string());
  }
}
