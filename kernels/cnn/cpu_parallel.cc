#include "cpu_parallel.h"

#include <cblas.h>

#include <algorithm>
#include <thread>
#include <vector>

namespace ctp::kernels::cnn::detail {
namespace {

// Below this many scalar operations a job runs on the calling thread: starting a thread costs
// tens of microseconds.
constexpr std::size_t kMinWorkPerChunk = 1 << 16;

}  // namespace

int CpuThreadCount() {
  static const int threads = std::max(1u, std::thread::hardware_concurrency());
  return threads;
}

int ChunkCount(std::size_t items, std::size_t work_per_item) {
  std::size_t by_work = items * std::max<std::size_t>(work_per_item, 1) / kMinWorkPerChunk;
  std::size_t chunks = std::min({std::size_t(CpuThreadCount()), items, by_work});
  return int(std::max<std::size_t>(chunks, 1));
}

void ParallelChunks(int chunks, std::size_t items,
                    const std::function<void(int, std::size_t, std::size_t)>& body) {
  auto range = [&](int chunk) {
    return std::pair{items * chunk / chunks, items * (chunk + 1) / chunks};
  };
  std::vector<std::thread> workers;
  workers.reserve(chunks > 1 ? chunks - 1 : 0);
  for (int chunk = 1; chunk < chunks; ++chunk) {
    auto [begin, end] = range(chunk);
    workers.emplace_back(body, chunk, begin, end);
  }
  auto [begin, end] = range(0);
  if (chunks >= 1) body(0, begin, end);
  for (std::thread& worker : workers) worker.join();
}

void ParallelFor(std::size_t items, std::size_t work_per_item,
                 const std::function<void(std::size_t, std::size_t)>& body) {
  ParallelChunks(ChunkCount(items, work_per_item), items,
                 [&](int, std::size_t begin, std::size_t end) { body(begin, end); });
}

ScopedSingleThreadedBlas::ScopedSingleThreadedBlas()
    : previous_threads_(openblas_get_num_threads()) {
  if (previous_threads_ != 1) openblas_set_num_threads(1);
}

ScopedSingleThreadedBlas::~ScopedSingleThreadedBlas() {
  if (previous_threads_ != 1) openblas_set_num_threads(previous_threads_);
}

}  // namespace ctp::kernels::cnn::detail
