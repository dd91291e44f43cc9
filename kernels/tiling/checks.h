// Internal: the argument checks of the tiling launchers (the CNN's are CheckShape / CheckDevice in
// tensor.h). Every failure names the op.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <stdexcept>
#include <string>

#include "ctp/kernels/device.h"
#include "ctp/kernels/tiling/image_view.h"

namespace ctp::kernels::tiling::detail {

/// Throws std::invalid_argument("<op>: <message>").
[[noreturn]] inline void Fail(const char* op, const std::string& message) {
  throw std::invalid_argument(std::string(op) + ": " + message);
}

/// Checks that a view is usable: data set (unless empty), sizes >= 0, stride large enough and
/// the channel count among `channels`.
template <typename T>
void CheckView(const char* op, const char* name, ImageView<T> view,
               std::initializer_list<int> channels) {
  bool channel_ok = false;
  for (int c : channels) channel_ok = channel_ok || view.channels == c;
  if (!channel_ok)
    Fail(op, std::string(name) + " has " + std::to_string(view.channels) + " channels");
  if (view.width < 0 || view.height < 0) Fail(op, std::string(name) + " has a negative size");
  if (view.stride < static_cast<std::ptrdiff_t>(view.width) * view.channels)
    Fail(op, std::string(name) + " stride is smaller than width * channels");
  if (view.data == nullptr && view.Pixels() > 0) Fail(op, std::string(name) + " has no data");
}

/// Checks that two views have the same width and height.
template <typename A, typename B>
void CheckSameSize(const char* op, ImageView<A> a, ImageView<B> b) {
  if (a.width != b.width || a.height != b.height)
    Fail(op, std::to_string(a.width) + "x" + std::to_string(a.height) + " input, " +
                 std::to_string(b.width) + "x" + std::to_string(b.height) + " output");
}

/// Checks that the op can run on `device`: throws std::runtime_error("<op>: this build has no
/// CUDA kernels") for Device::kCuda in a build without CUDA (the views are host memory either way).
inline void CheckDevice(const char* op, Device device) {
  if (device == Device::kCuda && !BuiltWithCuda())
    throw std::runtime_error(std::string(op) + ": this build has no CUDA kernels");
}

}  // namespace ctp::kernels::tiling::detail
