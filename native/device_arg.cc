#include "device_arg.h"

#include <stdexcept>

namespace ctp::native {

NativeArg DeviceArg(const std::string& doc) {
  return {"device", ArgType::kChoice, false, "auto", doc, {"auto", "cpu", "cuda"}};
}

kernels::Device DeviceFromArgs(const StepContext& context) {
  const std::string& choice = context.Choice("device");
  if (choice == "cuda" && !kernels::CudaAvailable())
    throw std::invalid_argument(std::string("argument --device: cuda: ") +
                                kernels::CudaDeviceSummary());
  return kernels::DeviceForChoice(choice);
}

}  // namespace ctp::native
