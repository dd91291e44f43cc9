// The safetensors file format (huggingface/safetensors): an 8-byte little-endian header length N,
// N bytes of JSON header {"NAME": {"dtype", "shape", "data_offsets": [begin, end]}, ...,
// "__metadata__": {string: string}}, padded with spaces to a multiple of 8, then the raw
// little-endian tensor bytes. ctp writes and reads float32 ("F32") tensors only.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace ctp::native {

/// One named float32 tensor.
struct NamedTensor {
  std::string name;
  std::vector<std::int64_t> shape;
  std::vector<float> values;
};

/// The content of a safetensors file.
struct SafetensorsFile {
  std::vector<NamedTensor> tensors;  ///< in data order
  std::map<std::string, std::string> metadata;
};

/// Serialises `file`: tensors laid out in the given order, header keys sorted (JSON objects).
/// Throws std::invalid_argument when a tensor's values do not match its shape or names repeat.
std::string EncodeSafetensors(const SafetensorsFile& file);

/// The longest JSON header read (the reference implementation's limit), in bytes.
inline constexpr std::uint64_t kMaxSafetensorsHeaderBytes = 100'000'000;

/// Parses safetensors bytes; `source` names the file in errors ("SOURCE: safetensors: ...", or
/// "SOURCE: field 'PATH' ..." for a header field of the wrong type). Throws std::runtime_error for
/// a header length past the file or above kMaxSafetensorsHeaderBytes, a malformed header, a
/// non-F32 dtype, a negative or overflowing shape, data_offsets that do not match the shape, and
/// tensors that do not cover the data exactly (a gap, an overlap or bytes after the last one).
SafetensorsFile DecodeSafetensors(std::string_view bytes, const std::string& source);

}  // namespace ctp::native
