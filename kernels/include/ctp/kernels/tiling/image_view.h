// Image buffers for the tiling ops: a non-owning strided view and a small owning image.
// Pixels are interleaved (RGB, RGBA) or single-channel; rows may be padded (stride >=
// width*channels).
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <vector>

namespace ctp::kernels::tiling {

/// A non-owning view of an interleaved image in host memory; T is const for inputs.
template <typename T>
struct ImageView {
  T* data = nullptr;          ///< First element of row 0.
  int width = 0;              ///< Pixels per row.
  int height = 0;             ///< Rows.
  int channels = 1;           ///< Values per pixel (1, 3 or 4).
  std::ptrdiff_t stride = 0;  ///< Elements (not bytes) from one row to the next.

  /// First element of row y.
  T* Row(int y) const { return data + static_cast<std::ptrdiff_t>(y) * stride; }
  /// First element of pixel (x, y).
  T* At(int x, int y) const { return Row(y) + static_cast<std::ptrdiff_t>(x) * channels; }
  /// Number of pixels.
  std::size_t Pixels() const { return static_cast<std::size_t>(width) * height; }
  /// True when rows follow each other without padding.
  bool Packed() const { return stride == static_cast<std::ptrdiff_t>(width) * channels; }
  /// The rectangle [x, x+w) x [y, y+h) of this view (no bounds check).
  ImageView Crop(int x, int y, int w, int h) const { return {At(x, y), w, h, channels, stride}; }
  /// The same pixels, read-only.
  template <typename U = T>
  requires(!std::is_const_v<U>) operator ImageView<const U>() const {
    return {data, width, height, channels, stride};
  }
};

/// Mutable 8-bit image (RGB, RGBA, gray, mask).
using ImageU8 = ImageView<std::uint8_t>;
/// Read-only 8-bit image.
using ConstImageU8 = ImageView<const std::uint8_t>;
/// Mutable 32-bit image (premultiplied ARGB pixels, integral images).
using ImageU32 = ImageView<std::uint32_t>;
/// Read-only 32-bit image.
using ConstImageU32 = ImageView<const std::uint32_t>;
/// Mutable float image.
using ImageF32 = ImageView<float>;
/// Read-only float image.
using ConstImageF32 = ImageView<const float>;

/// A packed view over `data` (stride = width * channels).
template <typename T>
ImageView<T> PackedView(T* data, int width, int height, int channels) {
  return {data, width, height, channels, static_cast<std::ptrdiff_t>(width) * channels};
}

/// An owning packed image (tests, benchmarks, intermediate results).
template <typename T>
struct Image {
  std::vector<T> pixels;  ///< height * width * channels values, row-major, interleaved.
  int width = 0;          ///< Pixels per row.
  int height = 0;         ///< Rows.
  int channels = 1;       ///< Values per pixel.

  Image() = default;
  /// A width x height image with `channels` values per pixel, all set to `fill`.
  Image(int w, int h, int c, T fill = T{})
      : pixels(static_cast<std::size_t>(w) * h * c, fill), width(w), height(h), channels(c) {}
  /// A mutable view of the whole image.
  ImageView<T> View() { return PackedView(pixels.data(), width, height, channels); }
  /// A read-only view of the whole image.
  ImageView<const T> View() const { return PackedView(pixels.data(), width, height, channels); }
};

}  // namespace ctp::kernels::tiling
