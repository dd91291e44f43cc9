// A toy image set in IDX files for the training tests: 32 8x8 images in 2 classes, a bright left
// half (label 0) or right half (label 1), with varying noise. A tiny CNN learns it in an epoch.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace ctp::testing {

/// The IDX header of an unsigned-byte array with these dimensions.
inline std::string IdxHeader(const std::vector<std::uint32_t>& dims) {
  std::string out{'\0', '\0', '\x08', char(dims.size())};
  for (std::uint32_t d : dims)
    for (int b = 3; b >= 0; --b) out.push_back(char((d >> (8 * b)) & 0xff));
  return out;
}

/// Writes `<split>-images-idx3-ubyte` and `<split>-labels-idx1-ubyte` into `dir` (created).
inline void WriteToyIdx(const std::filesystem::path& dir, const std::string& split) {
  const int n = 32;
  std::string images = IdxHeader({n, 8, 8}), labels = IdxHeader({n});
  for (int i = 0; i < n; ++i) {
    const int label = i % 2;
    for (int y = 0; y < 8; ++y)
      for (int x = 0; x < 8; ++x)
        images.push_back(char(((x < 4) == (label == 0) ? 180 : 40) + (i * 7 + x * 3 + y * 5) % 50));
    labels.push_back(char(label));
  }
  std::filesystem::create_directories(dir);
  std::ofstream(dir / (split + "-images-idx3-ubyte"), std::ios::binary) << images;
  std::ofstream(dir / (split + "-labels-idx1-ubyte"), std::ios::binary) << labels;
}

}  // namespace ctp::testing
