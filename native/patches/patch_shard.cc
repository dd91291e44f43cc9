// The .ctpshard writer (pixels through an ordered chunk writer, thread-safe) and reader.
#include "patches/patch_shard.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <span>
#include <stdexcept>

#include "ctp/kernels/tiling/packing.h"

namespace ctp::native {
namespace {

constexpr std::uint64_t kHeaderBytes = 64;

std::uint64_t AlignUp(std::uint64_t value, std::uint64_t alignment) {
  return (value + alignment - 1) / alignment * alignment;
}

template <typename T>
void Put(std::uint8_t* out, std::size_t offset, T value) {
  std::memcpy(out + offset, &value, sizeof(T));  // the build targets little-endian hosts
}

template <typename T>
T Get(const std::uint8_t* in, std::size_t offset) {
  T value;
  std::memcpy(&value, in + offset, sizeof(T));
  return value;
}

std::runtime_error ShardError(const std::filesystem::path& path, const std::string& what) {
  return std::runtime_error(path.string() + ": " + what);
}

}  // namespace

ShardHeader MakeShardHeader(std::uint64_t count, int height, int width, int level) {
  ShardHeader header;
  header.count = count;
  header.height = static_cast<std::uint32_t>(height);
  header.width = static_cast<std::uint32_t>(width);
  header.level = static_cast<std::uint32_t>(level);
  header.labels_offset = kHeaderBytes;
  header.coords_offset = AlignUp(header.labels_offset + count, 8);
  // 4096: the pixel records can be written with O_DIRECT (ordered_chunk_writer.h).
  header.pixels_offset = AlignUp(header.coords_offset + count * 8, kDirectAlignment);
  return header;
}

PatchShardWriter::PatchShardWriter(const std::filesystem::path& path, const ShardHeader& header,
                                   ChunkWriterOptions options)
    : path_(path), header_(header) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) throw ShardError(path_, std::string("cannot create: ") + std::strerror(errno));
  // The ring must hold every chunk one record touches (see ordered_chunk_writer.h).
  const std::uint64_t record = header_.PatchBytes();
  options.chunks = std::max<std::size_t>(
      options.chunks,
      static_cast<std::size_t>((record + options.chunk_bytes - 1) / options.chunk_bytes + 1));
  try {
    pixels_ = std::make_unique<OrderedChunkWriter>(path_, header_.pixels_offset,
                                                   header_.count * record, options);
  } catch (...) {
    ::close(fd_);
    throw;
  }
  labels_.resize(header_.count);
  coords_.resize(header_.count * 2);
  stored_.resize(header_.count);
}

PatchShardWriter::~PatchShardWriter() {
  pixels_.reset();             // stops and joins its thread, writes nothing more
  if (fd_ >= 0) ::close(fd_);  // not closed: a failed slide, whose shard is discarded
}

void PatchShardWriter::WriteAt(std::uint64_t offset, const void* data, std::size_t bytes) {
  const auto* next = static_cast<const char*>(data);
  while (bytes > 0) {
    ssize_t written = ::pwrite(fd_, next, bytes, static_cast<off_t>(offset));
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) throw ShardError(path_, std::string("write failed: ") + std::strerror(errno));
    next += written;
    offset += static_cast<std::uint64_t>(written);
    bytes -= static_cast<std::size_t>(written);
  }
}

void PatchShardWriter::SetPatch(std::uint64_t index, std::uint8_t label, std::int32_t x,
                                std::int32_t y, kernels::tiling::ConstImageU8 patch) {
  if (index >= header_.count) throw ShardError(path_, "patch index out of range");
  if (patch.width != static_cast<int>(header_.width) ||
      patch.height != static_cast<int>(header_.height))
    throw ShardError(path_, "patch size differs from the shard's");
  if (std::atomic_ref<std::uint8_t>(stored_[index]).exchange(1) != 0)
    throw ShardError(path_, "patch " + std::to_string(index) + " stored twice");
  labels_[index] = label;  // distinct indices: no lock
  coords_[index * 2] = x;
  coords_[index * 2 + 1] = y;
  thread_local std::vector<std::span<const std::uint8_t>> pieces;
  thread_local std::vector<std::uint8_t> packed;  // reused: no allocation per patch
  pieces.clear();
  if (patch.channels == 3) {  // the rows are already NHWC: copied straight from the patch
    const std::size_t row_bytes = static_cast<std::size_t>(patch.width) * 3;
    if (patch.Packed())
      pieces.emplace_back(patch.data, row_bytes * static_cast<std::size_t>(patch.height));
    else
      for (int row = 0; row < patch.height; ++row) pieces.emplace_back(patch.Row(row), row_bytes);
  } else {
    packed.resize(header_.PatchBytes());
    kernels::tiling::PackPatchesNhwc(std::span<const kernels::tiling::ConstImageU8>(&patch, 1),
                                     patch.width, patch.height, packed);
    pieces.emplace_back(packed.data(), packed.size());
  }
  pixels_->Write(index * header_.PatchBytes(), pieces);
}

void PatchShardWriter::Abandon() {
  if (pixels_) pixels_->Stop("abandoned after another failure");
}

bool PatchShardWriter::DirectWrites() const { return pixels_ && pixels_->Direct(); }

void PatchShardWriter::Close() {
  if (fd_ < 0) return;
  // Every SetPatch has returned by now (the caller's threads are done): a plain count.
  const auto stored = static_cast<std::uint64_t>(std::count(stored_.begin(), stored_.end(), 1));
  if (stored != header_.count) {
    pixels_->Stop("not every patch was stored");
    throw ShardError(
        path_, std::to_string(stored) + " of " + std::to_string(header_.count) + " patches stored");
  }
  pixels_->Finish();
  // Header, labels and coordinates: everything before the pixels, in one write.
  std::vector<std::uint8_t> head(header_.pixels_offset, 0);
  std::memcpy(head.data(), kShardMagic.data(), kShardMagic.size());
  Put(head.data(), 8, kShardVersion);
  Put(head.data(), 12, static_cast<std::uint32_t>(kHeaderBytes));
  Put(head.data(), 16, header_.count);
  Put(head.data(), 24, header_.height);
  Put(head.data(), 28, header_.width);
  Put(head.data(), 32, header_.channels);
  Put(head.data(), 36, header_.level);
  Put(head.data(), 40, header_.labels_offset);
  Put(head.data(), 48, header_.coords_offset);
  Put(head.data(), 56, header_.pixels_offset);
  if (header_.count > 0) {  // (an empty vector's data() may be null, which memcpy may not take)
    std::memcpy(head.data() + header_.labels_offset, labels_.data(), labels_.size());
    std::memcpy(head.data() + header_.coords_offset, coords_.data(),
                coords_.size() * sizeof(std::int32_t));
  }
  WriteAt(0, head.data(), head.size());
  if (::ftruncate(fd_, static_cast<off_t>(header_.FileBytes())) != 0)  // no pixels: the size
    throw ShardError(path_, std::string("cannot size: ") + std::strerror(errno));
  int result = ::close(fd_);
  fd_ = -1;
  if (result != 0) throw ShardError(path_, std::string("close failed: ") + std::strerror(errno));
}

PatchShard ReadPatchShard(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ShardError(path, "cannot open");
  std::uint8_t bytes[kHeaderBytes];
  if (!in.read(reinterpret_cast<char*>(bytes), sizeof bytes))
    throw ShardError(path, "truncated header");
  if (std::memcmp(bytes, kShardMagic.data(), kShardMagic.size()) != 0)
    throw ShardError(path, "not a ctp patch shard (bad magic)");
  if (Get<std::uint32_t>(bytes, 8) != kShardVersion)
    throw ShardError(path,
                     "unsupported shard version " + std::to_string(Get<std::uint32_t>(bytes, 8)));
  PatchShard shard;
  ShardHeader& h = shard.header;
  h.count = Get<std::uint64_t>(bytes, 16);
  h.height = Get<std::uint32_t>(bytes, 24);
  h.width = Get<std::uint32_t>(bytes, 28);
  h.channels = Get<std::uint32_t>(bytes, 32);
  h.level = Get<std::uint32_t>(bytes, 36);
  h.labels_offset = Get<std::uint64_t>(bytes, 40);
  h.coords_offset = Get<std::uint64_t>(bytes, 48);
  h.pixels_offset = Get<std::uint64_t>(bytes, 56);
  if (h.channels != 3 || h.height < 1 || h.height > 65535 || h.width < 1 || h.width > 65535)
    throw ShardError(path, "unsupported patch shape " + std::to_string(h.height) + "x" +
                               std::to_string(h.width) + "x" + std::to_string(h.channels) +
                               " (height and width from 1 to 65535, 3 channels)");
  // Each section lies inside the file, checked without overflow (a count near 2^64 wrapped
  // FileBytes() to the file size), so the buffers below are never larger than the file.
  std::error_code error;
  const std::uint64_t size = std::filesystem::file_size(path, error);
  const bool sections_fit = !error && h.labels_offset <= size &&
                            h.count <= size - h.labels_offset && h.coords_offset <= size &&
                            h.count <= (size - h.coords_offset) / 8 && h.pixels_offset <= size &&
                            (size - h.pixels_offset) % h.PatchBytes() == 0 &&
                            (size - h.pixels_offset) / h.PatchBytes() == h.count;
  if (!sections_fit) throw ShardError(path, "file size does not match its header");
  shard.labels.resize(h.count);
  shard.coords.resize(h.count);
  shard.pixels.resize(h.count * h.PatchBytes());
  in.seekg(static_cast<std::streamoff>(h.labels_offset));
  in.read(reinterpret_cast<char*>(shard.labels.data()), static_cast<std::streamsize>(h.count));
  in.seekg(static_cast<std::streamoff>(h.coords_offset));
  in.read(reinterpret_cast<char*>(shard.coords.data()), static_cast<std::streamsize>(h.count * 8));
  in.seekg(static_cast<std::streamoff>(h.pixels_offset));
  in.read(reinterpret_cast<char*>(shard.pixels.data()),
          static_cast<std::streamsize>(shard.pixels.size()));
  if (!in) throw ShardError(path, "truncated data");
  return shard;
}

}  // namespace ctp::native
