// Device-memory staging for the tiling CUDA twins (include from .cu files only): the launchers
// take host views, so each twin uploads its inputs, runs, and downloads its outputs.
#pragma once

#include <cuda_runtime.h>

#include <cstddef>
#include <utility>

#include "ctp/kernels/cuda_check.h"
#include "ctp/kernels/tiling/image_view.h"

namespace ctp::kernels::tiling::detail {

/// An owning device allocation of n values of T.
template <typename T>
class DeviceBuffer {
 public:
  /// Allocates n values (nothing for n = 0).
  explicit DeviceBuffer(std::size_t n) : size_(n) {
    if (n > 0) CTP_CUDA_CHECK(cudaMalloc(&data_, n * sizeof(T)));
  }
  DeviceBuffer(DeviceBuffer&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(DeviceBuffer&&) = delete;
  ~DeviceBuffer() { cudaFree(data_); }

  /// Device pointer.
  T* get() const { return data_; }
  /// Number of values.
  std::size_t size() const { return size_; }
  /// Copies n values from host memory.
  void Upload(const T* host, std::size_t n) {
    if (n > 0) CTP_CUDA_CHECK(cudaMemcpy(data_, host, n * sizeof(T), cudaMemcpyHostToDevice));
  }
  /// Copies n values to host memory.
  void Download(T* host, std::size_t n) const {
    if (n > 0) CTP_CUDA_CHECK(cudaMemcpy(host, data_, n * sizeof(T), cudaMemcpyDeviceToHost));
  }

 private:
  T* data_ = nullptr;
  std::size_t size_ = 0;
};

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

/// Blocks of 256 threads covering n items, one thread each.
inline unsigned BlocksFor(std::size_t n, unsigned threads = 256) {
  return static_cast<unsigned>((n + threads - 1) / threads);
}

}  // namespace ctp::kernels::tiling::detail
