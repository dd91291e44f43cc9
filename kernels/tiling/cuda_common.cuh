// Internal, CUDA only: device memory and launch sizes shared by the tiling *.cu files. The
// launchers take host views, so each twin uploads its inputs, runs, and downloads its outputs.
#pragma once

#include <cuda_runtime.h>

#include <cstddef>

#include "ctp/kernels/cuda_check.h"
#include "ctp/kernels/device_buffer.h"
#include "ctp/kernels/tiling/image_view.h"

namespace ctp::kernels::tiling::cuda {

/// Staging memory of the twins.
using ::ctp::kernels::cuda::DeviceBuffer;

/// A packed device copy of a (possibly strided) host image.
template <typename T>
DeviceBuffer<T> UploadImage(ImageView<const T> host) {
  const std::size_t row = static_cast<std::size_t>(host.width) * host.channels * sizeof(T);
  DeviceBuffer<T> buffer(host.Pixels() * host.channels);
  if (buffer.size() > 0)
    CTP_CUDA_CHECK(cudaMemcpy2D(buffer.get(), row, host.data, host.stride * sizeof(T), row,
                                host.height, cudaMemcpyHostToDevice));
  return buffer;
}

/// Copies a packed device image into a (possibly strided) host view of the same shape.
template <typename T>
void DownloadImage(const DeviceBuffer<T>& device, ImageView<T> host) {
  const std::size_t row = static_cast<std::size_t>(host.width) * host.channels * sizeof(T);
  if (device.size() > 0)
    CTP_CUDA_CHECK(cudaMemcpy2D(host.data, host.stride * sizeof(T), device.get(), row, row,
                                host.height, cudaMemcpyDeviceToHost));
}

/// Blocks of `threads` threads covering n items, one thread each.
inline unsigned BlocksFor(std::size_t n, unsigned threads = 256) {
  return static_cast<unsigned>((n + threads - 1) / threads);
}

}  // namespace ctp::kernels::tiling::cuda
