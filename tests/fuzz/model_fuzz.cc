// A model checkpoint, as the evaluate and predict steps (and train's warm start) load it:
// LoadCheckpoint reads model.json, builds the network and loads model.safetensors into it. The
// input is model.json, then a line "#safetensors" (never part of a JSON text), then the
// safetensors bytes; without that line, the whole input is model.json and the weights are empty.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cnn/model_checkpoint.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  constexpr std::string_view kSeparator = "\n#safetensors\n";
  const std::string_view input = ctp::fuzz::Text(data, size);
  const std::size_t split = std::min(input.find(kSeparator), input.size());
  const std::string_view weights =
      split < input.size() ? input.substr(split + kSeparator.size()) : std::string_view();
  ctp::fuzz::WriteInput("model/model.json", input.substr(0, split));
  ctp::fuzz::WriteInput("model/model.safetensors", weights);
  const auto folder = ctp::fuzz::WorkDir() / "model";
  ctp::fuzz::RefusalsAllowed([&] { ctp::native::LoadCheckpoint(folder); }, folder.string());
  return 0;
}
