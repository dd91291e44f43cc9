#include <doctest/doctest.h>

#include <string>

#include "ctp/kernels/device.h"

TEST_CASE("device names and availability are consistent") {
  using ctp::kernels::Device;
  CHECK(std::string(ctp::kernels::DeviceName(Device::kCpu)) == "cpu");
  CHECK(std::string(ctp::kernels::DeviceName(Device::kCuda)) == "cuda");
  if (!ctp::kernels::BuiltWithCuda()) CHECK_FALSE(ctp::kernels::CudaAvailable());
  CHECK_FALSE(std::string(ctp::kernels::CudaDeviceSummary()).empty());
}
