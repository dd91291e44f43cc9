// A region of a file written in order, in large aligned chunks, by one writer thread, with
// O_DIRECT where the file system takes it: writers copy their bytes into a ring of chunk
// buffers (any thread, any byte range, each byte once) and the writer thread writes each chunk
// when it is full, in file order, then recycles its buffer. No page-cache copy of the bytes and
// no contention on the file's lock, however many threads fill the chunks.
//
// Progress (no deadlock): a thread waits only while the chunk it needs lies beyond the ring
// window [oldest unwritten chunk, + chunks). The callers (the tile step's workers) take runs of
// consecutive records in increasing order from a shared counter and store each run's records in
// increasing order, so the lowest record not yet stored is always the next one of some thread.
// Every chunk before that record's first byte holds only stored bytes, so it is full and the
// writer thread (which waits on nothing else) writes it; the window then starts at or before the
// record's first chunk, and a record of R bytes touches at most ceil(R / chunk) + 1 chunks, so
// with chunks >= ceil(R / chunk) + 1 all of them lie in the window and that thread goes on.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

namespace ctp::native {

/// The alignment O_DIRECT needs of offsets, lengths and buffers (the largest logical block).
inline constexpr std::size_t kDirectAlignment = 4096;

/// How the chunks reach the file. The fallbacks are taken by themselves where O_DIRECT is
/// refused; the switches here take them from the start, as such a file system would.
struct ChunkWriterOptions {
  std::size_t chunk_bytes = std::size_t{4} << 20;  ///< bytes per chunk (a multiple of 4096)
  std::size_t chunks = 8;                          ///< chunk buffers in the ring
  bool direct = true;  ///< open with O_DIRECT (else: the chunks through the page cache)
  bool refuse_direct_writes = false;  ///< direct writes fail with EINVAL (a device refusing them)
};

/// Writes the bytes [offset, offset + bytes) of an existing file through a ring of chunks.
class OrderedChunkWriter {
 public:
  /// Opens `path` (which must exist) twice, direct and buffered, and starts the writer thread.
  /// `offset` must be a multiple of kDirectAlignment. Throws std::runtime_error naming the file.
  OrderedChunkWriter(const std::filesystem::path& path, std::uint64_t offset, std::uint64_t bytes,
                     ChunkWriterOptions options = {});
  /// Stops and joins the writer thread without writing more (the region may be incomplete).
  ~OrderedChunkWriter();
  OrderedChunkWriter(const OrderedChunkWriter&) = delete;
  OrderedChunkWriter& operator=(const OrderedChunkWriter&) = delete;

  /// Copies `pieces`, back to back, to region position `position` (relative to `offset`);
  /// thread-safe. Waits while a chunk it needs is beyond the ring window. Throws the writer
  /// thread's failure ("<path>: write failed: <reason>") or, after Stop, "<path>: <reason>".
  void Write(std::uint64_t position, std::span<const std::span<const std::uint8_t>> pieces);
  /// Waits until every chunk is written and closes the direct descriptor; throws as Write.
  void Finish();
  /// Makes waiting and later Write calls throw "<path>: <reason>" and the thread stop writing.
  void Stop(const std::string& reason);
  /// Whether the chunks still go through O_DIRECT (false after a fallback).
  bool Direct() const;

 private:
  struct FreeBuffer {
    void operator()(std::uint8_t* buffer) const;
  };
  // The bytes chunk `chunk` covers (chunk_bytes but for a shorter last one).
  std::size_t Extent(std::uint64_t chunk) const;
  // Waits until `chunk` is in the window; returns its buffer. Throws on failure or stop.
  std::uint8_t* Acquire(std::uint64_t chunk);
  // Counts `bytes` more bytes of `chunk` filled; wakes the writer thread when it is full.
  void Release(std::uint64_t chunk, std::size_t bytes);
  // The writer thread: each chunk in order, once full.
  void WriteChunks();
  // Writes one chunk's buffer at its file offset (direct, else buffered). Throws on failure.
  void WriteChunk(std::uint64_t chunk, const std::uint8_t* buffer);

  std::filesystem::path path_;
  std::uint64_t offset_;
  std::uint64_t bytes_;
  ChunkWriterOptions options_;
  std::uint64_t chunk_count_;
  int buffered_fd_ = -1;
  int direct_fd_ = -1;               // -1: O_DIRECT refused at open
  std::atomic<bool> direct_{false};  // chunks go through direct_fd_ (off after a refused write)
  std::vector<std::unique_ptr<std::uint8_t[], FreeBuffer>> buffers_;  // chunk c uses c % size
  std::vector<std::size_t> filled_;                                   // bytes filled per buffer
  mutable std::mutex mutex_;
  std::condition_variable space_;  // the window moved, or a failure
  std::condition_variable full_;   // a chunk is full, or stop
  std::uint64_t window_ = 0;       // the oldest chunk not yet written
  std::string failure_;            // the message Write and Finish throw ("" while none)
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace ctp::native
