#include "formats/idx.h"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

namespace ctp::native {
namespace {

std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path.string() + ": cannot open");
  return std::string(std::istreambuf_iterator<char>(in), {});
}

/// Inflates a gzip stream; a stream that ends early or fails its CRC is an error.
std::string Gunzip(const std::string& compressed, const std::string& source) {
  z_stream stream{};
  if (inflateInit2(&stream, 15 + 16) != Z_OK)
    throw std::runtime_error(source + ": zlib init failed");
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = uInt(compressed.size());
  std::string out;
  char buffer[1 << 16];
  int status = Z_OK;
  while (status == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof(buffer);
    status = inflate(&stream, Z_NO_FLUSH);
    out.append(buffer, sizeof(buffer) - stream.avail_out);
    if (status == Z_BUF_ERROR && stream.avail_in == 0) break;  // input ended mid-stream
  }
  std::string message = stream.msg ? stream.msg : "";
  inflateEnd(&stream);
  if (status == Z_STREAM_END) return out;
  if (status == Z_BUF_ERROR || status == Z_OK)
    throw std::runtime_error(source + ": truncated gzip stream (" + std::to_string(out.size()) +
                             " bytes inflated before the end of the file)");
  throw std::runtime_error(source + ": corrupt gzip stream (" + message + ")");
}

}  // namespace

IdxArray ParseIdx(std::string_view bytes, const std::string& source) {
  if (bytes.size() < 4 || bytes[0] != 0 || bytes[1] != 0)
    throw std::runtime_error(source + ": not an IDX file (expected magic 00 00 TYPE NDIM)");
  const auto type = std::uint8_t(bytes[2]);
  const auto ndim = std::uint8_t(bytes[3]);
  if (type != 0x08)
    throw std::runtime_error(fmt::format(
        "{}: IDX element type {:#04x} is not supported (only unsigned bytes, 0x08)", source, type));
  if (ndim == 0) throw std::runtime_error(source + ": IDX file with 0 dimensions");
  const std::size_t header = 4 + 4 * std::size_t(ndim);
  if (bytes.size() < header)
    throw std::runtime_error(source + ": truncated IDX file: header needs " +
                             std::to_string(header) + " bytes, file has " +
                             std::to_string(bytes.size()));
  IdxArray array;
  std::size_t count = 1;
  bool overflow = false;  // the product of the dimensions wraps: no file can hold it
  for (std::size_t d = 0; d < ndim; ++d) {
    std::uint32_t value = 0;
    for (int b = 0; b < 4; ++b) value = (value << 8) | std::uint8_t(bytes[4 + 4 * d + b]);
    array.dims.push_back(value);
    overflow = __builtin_mul_overflow(count, value, &count) || overflow;
  }
  if (overflow && std::find(array.dims.begin(), array.dims.end(), 0u) == array.dims.end())
    throw std::runtime_error(
        fmt::format("{}: truncated IDX file: dimensions {} need more data "
                    "bytes than any file holds",
                    source, fmt::join(array.dims, "x")));
  if (bytes.size() - header < count)
    throw std::runtime_error(source + ": truncated IDX file: expected " + std::to_string(count) +
                             " data bytes, found " + std::to_string(bytes.size() - header));
  if (bytes.size() - header > count)
    throw std::runtime_error(source + ": IDX file has " +
                             std::to_string(bytes.size() - header - count) +
                             " bytes after its data");
  array.data.assign(bytes.begin() + header, bytes.begin() + header + count);
  return array;
}

IdxArray ReadIdx(const std::filesystem::path& path) {
  std::string bytes = ReadAll(path);
  const bool gzipped =
      bytes.size() >= 2 && std::uint8_t(bytes[0]) == 0x1f && std::uint8_t(bytes[1]) == 0x8b;
  if (gzipped) bytes = Gunzip(bytes, path.string());
  return ParseIdx(bytes, path.string());
}

}  // namespace ctp::native
