// Where a kernel runs. Every op has a CPU reference (always built, the test oracle) and, when the
// build has CUDA, a CUDA twin behind the same launcher.
#pragma once

#include <string>

namespace ctp::kernels {

/// The device an op runs on.
enum class Device { kCpu, kCuda };

/// "cpu" or "cuda".
const char* DeviceName(Device device);

/// True when this build has CUDA kernels (CTP_CUDA was on at configure time).
bool BuiltWithCuda();

/// True when this build has CUDA kernels and a CUDA device is visible to the process.
bool CudaAvailable();

/// The device a step's `device` choice names once its text is checked: "cpu", "cuda", or "auto"
/// (the GPU when CudaAvailable(), else the CPU).
Device DeviceForChoice(const std::string& choice);

/// One line describing the CUDA device (name, compute capability, memory), or why there is none.
const char* CudaDeviceSummary();

}  // namespace ctp::kernels
