// The one owning device allocation of the CUDA twins of every kernel family: typed, taken from the
// stream-ordered pool, with host copies. Include only from .cu files (compiled when CTP_HAVE_CUDA).
#pragma once

#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>
#include <utility>

#include "ctp/kernels/cuda_check.h"

namespace ctp::kernels::cuda {

/// Makes the current device's default memory pool keep freed memory instead of returning it to
/// the driver at every synchronisation (the default release threshold is 0, which turns each
/// allocation after a sync into a fresh physical mapping). Runs once per process.
inline void RetainScratchPool() {
  static const bool retained = [] {
    int device = 0;
    cudaMemPool_t pool = nullptr;
    CTP_CUDA_CHECK(cudaGetDevice(&device));
    CTP_CUDA_CHECK(cudaDeviceGetDefaultMemPool(&pool, device));
    std::uint64_t keep_everything = UINT64_MAX;
    CTP_CUDA_CHECK(
        cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &keep_everything));
    return true;
  }();
  (void)retained;
}

/// n values of T on the device, from the stream-ordered pool (cudaMallocAsync on the default
/// stream) and freed into it when the buffer goes out of scope (cudaFreeAsync): work queued on the
/// default stream before the free may still use it. Copies run on the default stream as well, so
/// they are ordered with the kernels. Move-only; nothing is allocated for n = 0.
template <typename T>
class DeviceBuffer {
 public:
  /// Allocates n values (uninitialised).
  explicit DeviceBuffer(std::size_t n) : size_(n) {
    if (n == 0) return;
    RetainScratchPool();
    CTP_CUDA_CHECK(cudaMallocAsync(reinterpret_cast<void**>(&data_), n * sizeof(T), 0));
  }
  DeviceBuffer(DeviceBuffer&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(DeviceBuffer&&) = delete;
  ~DeviceBuffer() {
    if (data_ != nullptr) cudaFreeAsync(data_, 0);  // never throws from a destructor
  }

  /// Device pointer (null when empty).
  T* get() const { return data_; }
  /// Number of values.
  std::size_t size() const { return size_; }
  /// Sets every byte to zero.
  void SetZero() {
    if (size_ > 0) CTP_CUDA_CHECK(cudaMemset(data_, 0, size_ * sizeof(T)));
  }
  /// Copies n values from host memory.
  void Upload(const T* host, std::size_t n) {
    if (n > 0) CTP_CUDA_CHECK(cudaMemcpy(data_, host, n * sizeof(T), cudaMemcpyHostToDevice));
  }
  /// Copies n values to host memory (waits for the work queued before).
  void Download(T* host, std::size_t n) const {
    if (n > 0) CTP_CUDA_CHECK(cudaMemcpy(host, data_, n * sizeof(T), cudaMemcpyDeviceToHost));
  }

 private:
  T* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace ctp::kernels::cuda
