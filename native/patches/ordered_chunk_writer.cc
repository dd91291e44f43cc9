// The ordered chunk writer: a ring of aligned buffers, one writer thread, O_DIRECT with a
// buffered fallback.
#include "patches/ordered_chunk_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <new>
#include <stdexcept>
#include <utility>

namespace ctp::native {
namespace {

std::runtime_error ChunkError(const std::filesystem::path& path, const std::string& what) {
  return std::runtime_error(path.string() + ": " + what);
}

}  // namespace

void OrderedChunkWriter::FreeBuffer::operator()(std::uint8_t* buffer) const { std::free(buffer); }

OrderedChunkWriter::OrderedChunkWriter(const std::filesystem::path& path, std::uint64_t offset,
                                       std::uint64_t bytes, ChunkWriterOptions options)
    : path_(path), offset_(offset), bytes_(bytes), options_(options) {
  if (options_.chunk_bytes == 0 || options_.chunk_bytes % kDirectAlignment != 0 ||
      offset_ % kDirectAlignment != 0 || options_.chunks == 0)
    throw std::invalid_argument(path_.string() +
                                ": chunk size and region offset must be multiples of 4096");
  const std::uint64_t aligned_bytes =
      std::max<std::uint64_t>((bytes_ + kDirectAlignment - 1) / kDirectAlignment, 1) *
      kDirectAlignment;
  options_.chunk_bytes = static_cast<std::size_t>(
      std::min<std::uint64_t>(options_.chunk_bytes, aligned_bytes));  // small regions: small chunks
  chunk_count_ = (bytes_ + options_.chunk_bytes - 1) / options_.chunk_bytes;
  buffered_fd_ = ::open(path_.c_str(), O_WRONLY | O_CLOEXEC);
  if (buffered_fd_ < 0)
    throw ChunkError(path_, std::string("cannot open: ") + std::strerror(errno));
  if (options_.direct) {
    direct_fd_ = ::open(path_.c_str(), O_WRONLY | O_CLOEXEC | O_DIRECT);
    if (direct_fd_ < 0 && errno != EINVAL) {  // EINVAL: no O_DIRECT here, so the page cache
      const int error = errno;
      ::close(buffered_fd_);
      throw ChunkError(path_, std::string("cannot open: ") + std::strerror(error));
    }
  }
  direct_ = direct_fd_ >= 0;
  const std::size_t slots = static_cast<std::size_t>(
      std::min<std::uint64_t>(options_.chunks, std::max<std::uint64_t>(chunk_count_, 1)));
  for (std::size_t i = 0; i < slots; ++i) {
    void* buffer = std::aligned_alloc(kDirectAlignment, options_.chunk_bytes);
    if (!buffer) {
      if (direct_fd_ >= 0) ::close(direct_fd_);
      ::close(buffered_fd_);
      throw std::bad_alloc();
    }
    buffers_.emplace_back(static_cast<std::uint8_t*>(buffer));
  }
  filled_.assign(slots, 0);
  thread_ = std::thread(&OrderedChunkWriter::WriteChunks, this);
}

OrderedChunkWriter::~OrderedChunkWriter() {
  Stop("writing stopped");
  if (thread_.joinable()) thread_.join();
  if (direct_fd_ >= 0) ::close(direct_fd_);
  if (buffered_fd_ >= 0) ::close(buffered_fd_);
}

std::size_t OrderedChunkWriter::Extent(std::uint64_t chunk) const {
  return static_cast<std::size_t>(
      std::min<std::uint64_t>(options_.chunk_bytes, bytes_ - chunk * options_.chunk_bytes));
}

std::uint8_t* OrderedChunkWriter::Acquire(std::uint64_t chunk) {
  std::unique_lock lock(mutex_);
  space_.wait(lock, [&] { return !failure_.empty() || chunk < window_ + buffers_.size(); });
  if (!failure_.empty()) throw std::runtime_error(failure_);
  if (chunk < window_) throw ChunkError(path_, "bytes written twice");
  return buffers_[chunk % buffers_.size()].get();
}

void OrderedChunkWriter::Release(std::uint64_t chunk, std::size_t bytes) {
  bool full;
  {
    std::lock_guard lock(mutex_);
    std::size_t& filled = filled_[chunk % buffers_.size()];
    filled += bytes;
    full = filled == Extent(chunk);
  }
  if (full) full_.notify_one();  // only the writer thread waits on full_
}

void OrderedChunkWriter::Write(std::uint64_t position,
                               std::span<const std::span<const std::uint8_t>> pieces) {
  std::uint64_t total = 0;
  for (const auto& piece : pieces) total += piece.size();
  if (position > bytes_ || total > bytes_ - position)
    throw ChunkError(path_, "write beyond the region");
  std::size_t piece = 0, within = 0;  // the next byte to copy: pieces[piece][within]
  while (total > 0) {
    const std::uint64_t chunk = position / options_.chunk_bytes;
    const std::uint64_t chunk_end = std::min((chunk + 1) * options_.chunk_bytes, bytes_);
    std::uint8_t* out = Acquire(chunk) + (position - chunk * options_.chunk_bytes);
    std::size_t copied = 0;
    while (position < chunk_end && total > 0) {
      const std::size_t n = static_cast<std::size_t>(
          std::min<std::uint64_t>(pieces[piece].size() - within, chunk_end - position));
      if (n > 0)
        std::memcpy(out + copied, pieces[piece].data() + within, n);  // (empty: may be null)
      copied += n;
      position += n;
      total -= n;
      within += n;
      if (within == pieces[piece].size()) {
        ++piece;
        within = 0;
      }
    }
    Release(chunk, copied);
  }
}

void OrderedChunkWriter::Finish() {
  {
    std::unique_lock lock(mutex_);
    space_.wait(lock, [&] { return !failure_.empty() || window_ == chunk_count_; });
    if (!failure_.empty()) throw std::runtime_error(failure_);
  }
  if (thread_.joinable()) thread_.join();
  if (buffered_fd_ < 0) return;  // finished before
  const int direct_fd = std::exchange(direct_fd_, -1);
  const int buffered_fd = std::exchange(buffered_fd_, -1);
  const bool direct_closed = direct_fd < 0 || ::close(direct_fd) == 0;
  const bool buffered_closed = ::close(buffered_fd) == 0;
  if (!direct_closed || !buffered_closed)
    throw ChunkError(path_, std::string("close failed: ") + std::strerror(errno));
}

void OrderedChunkWriter::Stop(const std::string& reason) {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
    if (failure_.empty()) failure_ = path_.string() + ": " + reason;
  }
  full_.notify_all();
  space_.notify_all();
}

bool OrderedChunkWriter::Direct() const { return direct_; }

void OrderedChunkWriter::WriteChunks() {
  for (std::uint64_t chunk = 0; chunk < chunk_count_; ++chunk) {
    const std::size_t slot = chunk % buffers_.size();
    {
      std::unique_lock lock(mutex_);
      full_.wait(lock, [&] { return stop_ || filled_[slot] == Extent(chunk); });
      if (stop_) return;
    }
    try {
      WriteChunk(chunk, buffers_[slot].get());  // full: no other thread touches it now
    } catch (const std::exception& error) {
      {
        std::lock_guard lock(mutex_);
        if (failure_.empty()) failure_ = error.what();
      }
      space_.notify_all();
      return;
    }
    {
      std::lock_guard lock(mutex_);
      filled_[slot] = 0;
      window_ = chunk + 1;
    }
    space_.notify_all();
  }
}

void OrderedChunkWriter::WriteChunk(std::uint64_t chunk, const std::uint8_t* buffer) {
  std::uint64_t offset = offset_ + chunk * options_.chunk_bytes;
  std::size_t size = Extent(chunk);
  while (size > 0) {
    // A last chunk shorter than the alignment's multiple (and the rest of a short direct
    // write) goes through the page cache: it starts at an offset no direct write touches.
    const bool direct = direct_ && size % kDirectAlignment == 0 && offset % kDirectAlignment == 0;
    ssize_t written;
    if (direct && options_.refuse_direct_writes) {
      written = -1;
      errno = EINVAL;
    } else {
      written =
          ::pwrite(direct ? direct_fd_ : buffered_fd_, buffer, size, static_cast<off_t>(offset));
    }
    if (written < 0 && errno == EINTR) continue;
    if (written < 0 && errno == EINVAL && direct) {  // refused: the page cache from now on
      direct_ = false;
      continue;
    }
    if (written < 0) throw ChunkError(path_, std::string("write failed: ") + std::strerror(errno));
    if (written == 0) throw ChunkError(path_, "write failed: no bytes written");
    buffer += written;
    offset += static_cast<std::uint64_t>(written);
    size -= static_cast<std::size_t>(written);
  }
}

}  // namespace ctp::native
