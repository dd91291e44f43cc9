// Counter-based random numbers: value i of stream `seed` is a pure function of (seed, i), so CPU
// and CUDA kernels draw identical numbers in any order or thread split.
#pragma once

#include <cstdint>

#if defined(__CUDACC__)
#define CTP_HOST_DEVICE __host__ __device__
#else
#define CTP_HOST_DEVICE
#endif

namespace ctp::kernels::cnn {

class Tensor;

/// SplitMix64's finaliser: a bijective 64-bit mix.
CTP_HOST_DEVICE inline std::uint64_t MixBits(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

/// Uniform float in [0, 1) with 24 random bits: element `index` of stream `seed`.
CTP_HOST_DEVICE inline float CounterUniform(std::uint64_t seed, std::uint64_t index) {
  return float(MixBits(MixBits(seed) ^ index) >> 40) * (1.0f / 16777216.0f);
}

/// Fills `tensor` (any device) with U(low, high) drawn from stream `seed`.
void FillUniform(Tensor& tensor, float low, float high, std::uint64_t seed);

}  // namespace ctp::kernels::cnn
