// IDX files (the MNIST / Fashion-MNIST format), gzip-compressed or raw: magic 00 00 TYPE NDIM,
// NDIM big-endian u32 dimensions, then row-major data. ctp reads unsigned-byte (0x08) files.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

namespace ctp::native {

/// An unsigned-byte IDX array.
struct IdxArray {
  std::vector<std::uint32_t> dims;
  std::vector<std::uint8_t> data;  ///< product(dims) bytes, row-major
};

/// Parses IDX bytes (already decompressed); `source` names the file in every error:
/// "SOURCE: not an IDX file (...)", "SOURCE: truncated IDX file: ...". Throws std::runtime_error.
IdxArray ParseIdx(std::string_view bytes, const std::string& source);

/// Reads an IDX file, gunzipping it when it starts with the gzip magic (zlib).
/// Throws std::runtime_error naming the file for a missing, corrupt or truncated file.
IdxArray ReadIdx(const std::filesystem::path& path);

}  // namespace ctp::native
