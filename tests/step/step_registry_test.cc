#include "ctp/step/step_registry.h"

#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

using namespace ctp;

namespace {

std::string RegisterError(StepRegistry& registry, const std::string& name) {
  try {
    registry.Register(NativeStep{name, "1", "a test step", {}, {}, nullptr});
  } catch (const std::invalid_argument& error) {
    return error.what();
  }
  return "";
}

}  // namespace

TEST_CASE("native step names are [a-z][a-z0-9_]*: exact accept and reject cases") {
  StepRegistry registry;
  for (const char* good : {"a", "tile", "train_model", "step2", "a_", "z9_0"}) {
    CHECK_MESSAGE(RegisterError(registry, good).empty(), good);
    CHECK(registry.Find(good) != nullptr);
  }
  for (const char* bad : {"", "_a", "2a", "Tile", "tIle", "a-b", "a b", "a.b", "é"})
    CHECK(RegisterError(registry, bad) ==
          "native step name '" + std::string(bad) + "' must be lowercase letters, digits and '_'");
  CHECK(RegisterError(registry, "tile") == "native step 'tile' is already registered");
}
