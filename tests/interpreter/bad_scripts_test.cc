// Every script in tests/interpreter/bad_scripts/ must fail with exactly the diagnostic in its
// .err file (source line and caret included), after the warnings it gets; a script that only
// gets warnings has just them there (what `ctp check` prints on standard error).
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
  std::string warnings;
  options.on_warning = [&](const ctp::Diagnostic& w) { warnings += ctp::FormatDiagnostic(w); };
  for (const fs::path& script : scripts) {
    CAPTURE(script);
    warnings.clear();
    std::string diagnostic;
    try {
      ctp::LoadPipeline(script.string(), options);
      diagnostic = warnings.empty() ? "(no error)\n" : warnings;
    } catch (const ctp::Error& e) {
      diagnostic = warnings + ctp::FormatError(e);
    }
    fs::path expected = script;
    expected.replace_extension(".err");
    ctp::testing::CheckGolden(diagnostic, expected.string());
  }
}
