// A persistent pool of CpuThreadCount() − 1 workers plus the calling thread. Starting a
// std::thread per op cost tens of microseconds each, dozens of times per training step, and on a
// loaded machine every new thread also waited for a time slice; the workers here stay parked on
// a condition variable between jobs instead.
#include "cpu_parallel.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "ctp/kernels/blas_loader.h"
#include "ctp/base/cpu_cores.h"

namespace ctp::kernels::cnn::detail {
namespace {

// Below this many scalar operations a job runs on the calling thread: handing a chunk to a
// parked worker costs a few microseconds.
constexpr std::size_t kMinWorkPerChunk = 1 << 15;

/// True on the pool's worker threads (a nested ParallelChunks there runs inline).
thread_local bool on_pool_worker = false;

/// The workers and the job they are running: chunk c of the current job goes to worker c − 1.
class ThreadPool {
 public:
  explicit ThreadPool(int workers) {
    for (int index = 0; index < workers; ++index)
      threads_.emplace_back([this, index] { WorkerLoop(index); });
  }
  ~ThreadPool() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    for (std::thread& thread : threads_) thread.join();
  }

  int workers() const { return int(threads_.size()); }

  /// Runs body(c, begin_c, end_c) for c in [0, chunks); chunk 0 on the caller. Returns false
  /// (running nothing) when another host thread holds the pool; the caller then runs inline.
  bool Run(int chunks, std::size_t items,
           const std::function<void(int, std::size_t, std::size_t)>& body) {
    std::unique_lock job_lock(job_mutex_, std::try_to_lock);
    if (!job_lock.owns_lock()) return false;
    {
      std::lock_guard lock(mutex_);
      body_ = &body;
      chunks_ = chunks;
      items_ = items;
      pending_ = chunks - 1;
      error_ = nullptr;
      ++generation_;
    }
    wake_.notify_all();
    std::exception_ptr caller_error;
    try {
      body(0, 0, items / chunks);
    } catch (...) {
      caller_error = std::current_exception();
    }
    std::unique_lock lock(mutex_);
    done_.wait(lock, [this] { return pending_ == 0; });
    body_ = nullptr;
    if (caller_error) std::rethrow_exception(caller_error);
    if (error_) std::rethrow_exception(error_);
    return true;
  }

 private:
  void WorkerLoop(int index) {
    on_pool_worker = true;
    std::uint64_t seen = 0;
    for (;;) {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || generation_ != seen; });
      if (stopping_) return;
      seen = generation_;
      const int chunk = index + 1;
      if (chunk >= chunks_) continue;
      const auto* body = body_;
      const std::size_t begin = items_ * chunk / chunks_, end = items_ * (chunk + 1) / chunks_;
      lock.unlock();
      std::exception_ptr error;
      try {
        (*body)(chunk, begin, end);
      } catch (...) {
        error = std::current_exception();
      }
      lock.lock();
      if (error && !error_) error_ = error;
      if (--pending_ == 0) done_.notify_one();
    }
  }

  std::vector<std::thread> threads_;
  std::mutex job_mutex_;  // one job at a time
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  const std::function<void(int, std::size_t, std::size_t)>* body_ = nullptr;
  int chunks_ = 0, pending_ = 0;
  std::size_t items_ = 0;
  std::uint64_t generation_ = 0;
  bool stopping_ = false;
  std::exception_ptr error_;
};

ThreadPool& Pool() {
  static ThreadPool pool(CpuThreadCount() - 1);
  return pool;
}

}  // namespace

int CpuThreadCount() { return base::UsableCpuCores(); }

int ChunkCount(std::size_t items, std::size_t work_per_item) {
  std::size_t by_work = items * std::max<std::size_t>(work_per_item, 1) / kMinWorkPerChunk;
  std::size_t chunks = std::min({std::size_t(CpuThreadCount()), items, by_work});
  return int(std::max<std::size_t>(chunks, 1));
}

void ParallelChunks(int chunks, std::size_t items,
                    const std::function<void(int, std::size_t, std::size_t)>& body) {
  if (chunks < 1) return;
  chunks = std::min(chunks, CpuThreadCount());
  if (chunks > 1 && !on_pool_worker && Pool().Run(chunks, items, body)) return;
  for (int chunk = 0; chunk < chunks; ++chunk)
    body(chunk, items * chunk / chunks, items * (chunk + 1) / chunks);
}

void ParallelFor(std::size_t items, std::size_t work_per_item,
                 const std::function<void(std::size_t, std::size_t)>& body) {
  ParallelChunks(ChunkCount(items, work_per_item), items,
                 [&](int, std::size_t begin, std::size_t end) { body(begin, end); });
}

ScopedSingleThreadedBlas::ScopedSingleThreadedBlas() : previous_threads_(Blas().get_num_threads()) {
  if (previous_threads_ != 1) Blas().set_num_threads(1);
}

ScopedSingleThreadedBlas::~ScopedSingleThreadedBlas() {
  if (previous_threads_ != 1) Blas().set_num_threads(previous_threads_);
}

}  // namespace ctp::kernels::cnn::detail
