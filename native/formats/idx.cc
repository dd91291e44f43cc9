#include "formats/idx.h"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace ctp::native {
namespace {

/// What an IDX header declares.
struct IdxHeader {
  std::vector<std::uint32_t> dims;
  std::size_t header_bytes = 0;
  std::size_t data_bytes = 0;  ///< product(dims)
};

/// The header at the start of `bytes`, or nullopt while `bytes` is too short to hold it. Throws
/// for a file that is not an unsigned-byte IDX file or whose dimensions no file can hold.
std::optional<IdxHeader> ReadIdxHeader(std::string_view bytes, const std::string& source) {
  if (bytes.size() < 4) return std::nullopt;
  if (bytes[0] != 0 || bytes[1] != 0)
    throw std::runtime_error(source + ": not an IDX file (expected magic 00 00 TYPE NDIM)");
  const auto type = std::uint8_t(bytes[2]);
  const auto ndim = std::uint8_t(bytes[3]);
  if (type != 0x08)
    throw std::runtime_error(fmt::format(
        "{}: IDX element type {:#04x} is not supported (only unsigned bytes, 0x08)", source, type));
  if (ndim == 0) throw std::runtime_error(source + ": IDX file with 0 dimensions");
  IdxHeader header;
  header.header_bytes = 4 + 4 * std::size_t(ndim);
  if (bytes.size() < header.header_bytes) return std::nullopt;
  std::size_t count = 1;
  bool overflow = false;  // the product of the dimensions wraps: no file can hold it
  for (std::size_t d = 0; d < ndim; ++d) {
    std::uint32_t value = 0;
    for (int b = 0; b < 4; ++b) value = (value << 8) | std::uint8_t(bytes[4 + 4 * d + b]);
    header.dims.push_back(value);
    overflow = __builtin_mul_overflow(count, value, &count) || overflow;
  }
  if (overflow && std::find(header.dims.begin(), header.dims.end(), 0u) == header.dims.end())
    throw std::runtime_error(
        fmt::format("{}: truncated IDX file: dimensions {} need more data "
                    "bytes than any file holds",
                    source, fmt::join(header.dims, "x")));
  header.data_bytes = overflow ? 0 : count;
  return header;
}

std::string TrailingBytesMessage(const std::string& source, std::size_t trailing) {
  return source + ": IDX file has " + std::to_string(trailing) + " bytes after its data";
}

/// Reads a raw IDX file whole, after checking that its size is what its header declares (a file
/// larger than its data is refused before it is read).
std::string ReadRawIdx(std::ifstream& in, std::uintmax_t file_size, const std::string& source) {
  std::string head(std::min<std::uintmax_t>(file_size, 4 + 4 * 255), '\0');
  in.read(head.data(), std::streamsize(head.size()));
  const std::optional<IdxHeader> header = ReadIdxHeader(head, source);
  if (header && file_size > header->header_bytes + header->data_bytes)
    throw std::runtime_error(
        TrailingBytesMessage(source, file_size - header->header_bytes - header->data_bytes));
  in.seekg(0);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

/// Inflates a gzip stream of an IDX file; a stream that ends early or fails its CRC is an error,
/// and so is one that inflates beyond the size its IDX header declares (it stops there).
std::string GunzipIdx(std::ifstream& in, const std::string& source) {
  z_stream stream{};
  if (inflateInit2(&stream, 15 + 16) != Z_OK)
    throw std::runtime_error(source + ": zlib init failed");
  std::string out;
  std::optional<IdxHeader> header;
  std::vector<char> input(1 << 16), output(1 << 16);
  int status = Z_OK;
  std::string error;
  while (status == Z_OK && error.empty()) {
    if (stream.avail_in == 0) {
      in.read(input.data(), std::streamsize(input.size()));
      stream.next_in = reinterpret_cast<Bytef*>(input.data());
      stream.avail_in = uInt(in.gcount());
      if (stream.avail_in == 0) break;  // input ended mid-stream
    }
    stream.next_out = reinterpret_cast<Bytef*>(output.data());
    stream.avail_out = uInt(output.size());
    status = inflate(&stream, Z_NO_FLUSH);
    out.append(output.data(), output.size() - stream.avail_out);
    try {
      if (!header) header = ReadIdxHeader(out, source);
    } catch (const std::runtime_error& e) {
      error = e.what();
    }
    if (header && out.size() > header->header_bytes + header->data_bytes)
      error = fmt::format("{}: IDX file has bytes after its data (its dimensions {} need {} bytes)",
                          source, fmt::join(header->dims, "x"), header->data_bytes);
  }
  std::string message = stream.msg ? stream.msg : "";
  inflateEnd(&stream);
  // A damaged stream inflates to garbage: its own error says more than the garbage's header.
  const bool corrupt = status != Z_OK && status != Z_STREAM_END && status != Z_BUF_ERROR;
  if (corrupt) throw std::runtime_error(source + ": corrupt gzip stream (" + message + ")");
  if (!error.empty()) throw std::runtime_error(error);
  if (status != Z_STREAM_END)
    throw std::runtime_error(source + ": truncated gzip stream (" + std::to_string(out.size()) +
                             " bytes inflated before the end of the file)");
  return out;
}

}  // namespace

IdxArray ParseIdx(std::string_view bytes, const std::string& source) {
  if (bytes.size() < 4)
    throw std::runtime_error(source + ": not an IDX file (expected magic 00 00 TYPE NDIM)");
  const std::optional<IdxHeader> header = ReadIdxHeader(bytes, source);
  if (!header)
    throw std::runtime_error(source + ": truncated IDX file: header needs " +
                             std::to_string(4 + 4 * std::size_t(std::uint8_t(bytes[3]))) +
                             " bytes, file has " + std::to_string(bytes.size()));
  const std::size_t count = header->data_bytes;
  const std::size_t data_bytes = bytes.size() - header->header_bytes;
  if (data_bytes < count)
    throw std::runtime_error(source + ": truncated IDX file: expected " + std::to_string(count) +
                             " data bytes, found " + std::to_string(data_bytes));
  if (data_bytes > count) throw std::runtime_error(TrailingBytesMessage(source, data_bytes - count));
  IdxArray array;
  array.dims = header->dims;
  array.data.assign(bytes.begin() + header->header_bytes,
                    bytes.begin() + header->header_bytes + count);
  return array;
}

IdxArray ReadIdx(const std::filesystem::path& path) {
  const std::string source = path.string();
  std::error_code error;
  const bool regular = std::filesystem::is_regular_file(path, error);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(source + ": cannot open");
  if (!regular) throw std::runtime_error(source + ": not a regular file");
  const std::uintmax_t file_size = std::filesystem::file_size(path, error);
  if (error) throw std::runtime_error(source + ": cannot read its size (" + error.message() + ")");
  char magic[2] = {0, 0};
  in.read(magic, 2);
  const bool gzipped = in.gcount() == 2 && std::uint8_t(magic[0]) == 0x1f && std::uint8_t(magic[1]) == 0x8b;
  in.clear();
  in.seekg(0);
  const std::string bytes = gzipped ? GunzipIdx(in, source) : ReadRawIdx(in, file_size, source);
  return ParseIdx(bytes, source);
}

}  // namespace ctp::native
