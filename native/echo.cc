// echo: the smallest native step. It shows the contract: arguments in, outputs written by name.
#include "native_steps.h"

namespace ctp::native {

NativeStep MakeEchoStep() {
  NativeStep step;
  step.name = "echo";
  step.version = "1";
  step.description = "Writes its message to the log and to the output 'message'.";
  step.args = {{"message", ArgType::kString, true, std::nullopt, "the text to echo"},
               {"times", ArgType::kInt, false, "1", "how many lines to log"}};
  step.outputs = {{"message", ValueKind::kParameter, "the message, unchanged"}};
  step.run = [](StepContext& context) {
    const std::string& message = context.String("message");
    for (long long i = 0; i < context.Int("times"); ++i)
      if (context.log) *context.log << message << "\n";
    context.WriteOutput("message", message);
  };
  return step;
}

}  // namespace ctp::native
