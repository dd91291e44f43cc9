#include "ctp/kernels/device.h"

#include <string>

#ifdef CTP_HAVE_CUDA
#include <cuda_runtime.h>
#endif

namespace ctp::kernels {

const char* DeviceName(Device device) { return device == Device::kCuda ? "cuda" : "cpu"; }

Device DeviceForChoice(const std::string& choice) {
  if (choice == "cpu") return Device::kCpu;
  if (choice == "cuda") return Device::kCuda;
  return CudaAvailable() ? Device::kCuda : Device::kCpu;
}

bool BuiltWithCuda() {
#ifdef CTP_HAVE_CUDA
  return true;
#else
  return false;
#endif
}

bool CudaAvailable() {
#ifdef CTP_HAVE_CUDA
  static const bool available = [] {
    int count = 0;
    return cudaGetDeviceCount(&count) == cudaSuccess && count > 0;
  }();
  return available;
#else
  return false;
#endif
}

const char* CudaDeviceSummary() {
  static const std::string summary = [] {
#ifdef CTP_HAVE_CUDA
    int count = 0;
    cudaError_t status = cudaGetDeviceCount(&count);
    if (status != cudaSuccess) return std::string("no CUDA device: ") + cudaGetErrorString(status);
    if (count == 0) return std::string("no CUDA device");
    cudaDeviceProp prop{};
    cudaGetDeviceProperties(&prop, 0);
    return std::string(prop.name) + " (sm_" + std::to_string(prop.major) +
           std::to_string(prop.minor) + ", " + std::to_string(prop.totalGlobalMem >> 20) + " MiB)";
#else
    return std::string("no CUDA: this build has CPU kernels only");
#endif
  }();
  return summary.c_str();
}

}  // namespace ctp::kernels
