// Internal: how the CPU kernels use the cores. Work is split into contiguous chunks, one per
// thread, so every result (and every floating-point summation order) depends only on the input
// and the machine's core count, never on scheduling.
#pragma once

#include <cstddef>
#include <functional>

namespace ctp::kernels::cnn::detail {

/// Threads the CPU kernels use: UsableCpuCores() (affinity mask and cgroup quota), at least 1.
int CpuThreadCount();

/// How many chunks ParallelChunks uses for `items` items of about `work_per_item` scalar
/// operations each: 1 when the whole job is too small to pay for a thread.
int ChunkCount(std::size_t items, std::size_t work_per_item);

/// Calls body(chunk, begin, end) for `chunks` contiguous, balanced ranges covering [0, items);
/// chunk 0 runs on the calling thread. Returns when all have finished.
void ParallelChunks(int chunks, std::size_t items,
                    const std::function<void(int chunk, std::size_t begin, std::size_t end)>& body);

/// ParallelChunks with ChunkCount(items, work_per_item) chunks, when the chunk index is not needed.
void ParallelFor(std::size_t items, std::size_t work_per_item,
                 const std::function<void(std::size_t begin, std::size_t end)>& body);

/// While alive, OpenBLAS runs single-threaded, so that our own threads can each call sgemm on
/// a per-image product without oversubscribing the cores. Not re-entrant across host threads.
class ScopedSingleThreadedBlas {
 public:
  ScopedSingleThreadedBlas();
  ~ScopedSingleThreadedBlas();
  ScopedSingleThreadedBlas(const ScopedSingleThreadedBlas&) = delete;
  ScopedSingleThreadedBlas& operator=(const ScopedSingleThreadedBlas&) = delete;

 private:
  int previous_threads_;
};

}  // namespace ctp::kernels::cnn::detail
