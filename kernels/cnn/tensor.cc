#include "ctp/kernels/cnn/tensor.h"

#include <cstring>
#include <new>
#include <stdexcept>
#include <utility>

#ifdef CTP_HAVE_CUDA
#include "ctp/kernels/cuda_check.h"
#endif

namespace ctp::kernels::cnn {
namespace {

constexpr std::align_val_t kHostAlignment{64};

float* Allocate(std::size_t count, Device device) {
  if (count == 0) return nullptr;
  if (device == Device::kCpu) {
    return static_cast<float*>(::operator new[](count * sizeof(float), kHostAlignment));
  }
#ifdef CTP_HAVE_CUDA
  void* pointer = nullptr;
  CTP_CUDA_CHECK(cudaMalloc(&pointer, count * sizeof(float)));
  return static_cast<float*>(pointer);
#else
  throw std::runtime_error("cnn::Tensor: this build has no CUDA; cannot allocate on the device");
#endif
}

void Release(float* data, Device device) {
  if (data == nullptr) return;
  if (device == Device::kCpu) {
    ::operator delete[](data, kHostAlignment);
    return;
  }
#ifdef CTP_HAVE_CUDA
  cudaFree(data);  // Never throws from a destructor; a failed free leaks.
#endif
}

void CopyBytes(float* destination, Device to, const float* source, Device from, std::size_t count) {
  if (count == 0) return;
  if (to == Device::kCpu && from == Device::kCpu) {
    std::memcpy(destination, source, count * sizeof(float));
    return;
  }
#ifdef CTP_HAVE_CUDA
  CTP_CUDA_CHECK(cudaMemcpy(destination, source, count * sizeof(float), cudaMemcpyDefault));
#else
  throw std::runtime_error("cnn::Tensor: this build has no CUDA");
#endif
}

}  // namespace

std::string Shape::ToString() const {
  // Appended piecewise: GCC 12's -Wrestrict misfires on "[" + std::to_string(...) at -O3.
  std::string text = "[";
  for (int value : {n, c, h, w}) text.append(std::to_string(value)).push_back(',');
  text.back() = ']';
  return text;
}

Tensor::Tensor(Shape shape, Device device) : shape_(shape), device_(device) {
  if (shape.n < 0 || shape.c < 0 || shape.h < 0 || shape.w < 0)
    throw std::invalid_argument("cnn::Tensor: negative dimension in " + shape.ToString());
  data_ = Allocate(shape.Count(), device);
  SetZero();
}

Tensor Tensor::FromHost(Shape shape, std::span<const float> values, Device device) {
  Tensor tensor(shape, device);
  tensor.CopyFromHost(values);
  return tensor;
}

Tensor::~Tensor() { Release(data_, device_); }

Tensor::Tensor(Tensor&& other) noexcept
    : shape_(std::exchange(other.shape_, Shape{0, 0, 0, 0})),
      device_(other.device_),
      data_(std::exchange(other.data_, nullptr)) {}

Tensor& Tensor::operator=(Tensor&& other) noexcept {
  if (this != &other) {
    Release(data_, device_);
    shape_ = std::exchange(other.shape_, Shape{0, 0, 0, 0});
    device_ = other.device_;
    data_ = std::exchange(other.data_, nullptr);
  }
  return *this;
}

Tensor Tensor::To(Device device) const {
  Tensor copy(shape_, device);
  CopyBytes(copy.data_, device, data_, device_, size());
  return copy;
}

std::vector<float> Tensor::ToHost() const {
  std::vector<float> values(size());
  CopyBytes(values.data(), Device::kCpu, data_, device_, size());
  return values;
}

void Tensor::CopyFromHost(std::span<const float> values) {
  if (values.size() != size())
    throw std::invalid_argument("cnn::Tensor::CopyFromHost: " + std::to_string(values.size()) +
                                " values for shape " + shape_.ToString());
  CopyBytes(data_, device_, values.data(), Device::kCpu, size());
}

void Tensor::CopyFrom(const Tensor& source) {
  if (source.size() != size())
    throw std::invalid_argument("cnn::Tensor::CopyFrom: shape " + source.shape_.ToString() +
                                " into " + shape_.ToString());
  CopyBytes(data_, device_, source.data_, source.device_, size());
}

void Tensor::SetZero() {
  if (data_ == nullptr) return;
  if (device_ == Device::kCpu) {
    std::memset(data_, 0, size() * sizeof(float));
    return;
  }
#ifdef CTP_HAVE_CUDA
  CTP_CUDA_CHECK(cudaMemset(data_, 0, size() * sizeof(float)));
#endif
}

void Tensor::Reshape(Shape shape) {
  if (shape.Count() != size())
    throw std::invalid_argument("cnn::Tensor::Reshape: " + shape_.ToString() + " to " +
                                shape.ToString());
  shape_ = shape;
}

void CheckShape(const Tensor& tensor, const Shape& shape, const char* what) {
  if (tensor.shape() != shape)
    throw std::invalid_argument(std::string(what) + ": expected shape " + shape.ToString() +
                                ", got " + tensor.shape().ToString());
}

void CheckDevice(Device device, std::initializer_list<const Tensor*> tensors) {
  for (const Tensor* tensor : tensors) {
    if (tensor != nullptr && !tensor->empty() && tensor->device() != device)
      throw std::invalid_argument(std::string("cnn: tensors on different devices (") +
                                  DeviceName(tensor->device()) + " vs " + DeviceName(device) + ")");
  }
}

}  // namespace ctp::kernels::cnn
