#include "ctp/step/lua_step.h"

#include <fmt/format.h>

namespace ctp {

std::string TimedOutMessage(std::chrono::milliseconds timeout) {
  return fmt::format("timed out after {}s", static_cast<double>(timeout.count()) / 1000.0);
}

}  // namespace ctp
