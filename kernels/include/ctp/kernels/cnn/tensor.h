// A float32 NCHW tensor that owns host or CUDA device memory. Move-only; copies are explicit.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <span>
#include <string>
#include <vector>

#include "ctp/kernels/device.h"

namespace ctp::kernels::cnn {

/// Four dimensions in NCHW order. Parameters use the same fields: a conv weight is
/// {out_channels, in_channels, k, k}, a linear weight {out, in, 1, 1}, a vector {c, 1, 1, 1}.
struct Shape {
  int n = 1;
  int c = 1;
  int h = 1;
  int w = 1;

  /// Number of elements.
  std::size_t Count() const { return std::size_t(n) * c * h * w; }
  /// Elements per item of the batch (c * h * w).
  std::size_t ItemCount() const { return std::size_t(c) * h * w; }
  /// "[n,c,h,w]".
  std::string ToString() const;
  friend bool operator==(const Shape&, const Shape&) = default;
};

/// A zero-initialised float32 buffer of `shape` on `device`. Empty (no storage) when default-made.
class Tensor {
 public:
  Tensor() = default;
  /// Allocates and zero-fills. Throws std::runtime_error for kCuda in a build without CUDA.
  Tensor(Shape shape, Device device = Device::kCpu);
  /// A host tensor holding `values` (size must equal shape.Count()).
  static Tensor FromHost(Shape shape, std::span<const float> values, Device device = Device::kCpu);
  ~Tensor();
  Tensor(Tensor&& other) noexcept;
  Tensor& operator=(Tensor&& other) noexcept;
  Tensor(const Tensor&) = delete;
  Tensor& operator=(const Tensor&) = delete;

  const Shape& shape() const { return shape_; }
  Device device() const { return device_; }
  std::size_t size() const { return shape_.Count(); }
  bool empty() const { return data_ == nullptr; }
  float* data() { return data_; }
  const float* data() const { return data_; }

  /// A copy of this tensor on `device`.
  Tensor To(Device device) const;
  /// The values, copied to host memory.
  std::vector<float> ToHost() const;
  /// Overwrites every element with `values` (size must equal size()), from host memory.
  void CopyFromHost(std::span<const float> values);
  /// Overwrites every element with those of `source` (same element count, any devices).
  void CopyFrom(const Tensor& source);
  /// Sets every element to zero.
  void SetZero();
  /// Changes the shape without moving data; the element count must stay the same.
  void Reshape(Shape shape);

 private:
  Shape shape_{0, 0, 0, 0};
  Device device_ = Device::kCpu;
  float* data_ = nullptr;
};

/// Throws std::invalid_argument naming `what` unless `tensor` has exactly `shape`.
void CheckShape(const Tensor& tensor, const Shape& shape, const char* what);

/// Throws std::invalid_argument unless every tensor in `tensors` lives on `device`.
void CheckDevice(Device device, std::initializer_list<const Tensor*> tensors);

}  // namespace ctp::kernels::cnn
