// A native step's own stop flag: set when the task runs past its timeout or the run is stopping.
// Native steps stop cooperatively, so the flag (and the progress callback) is how they learn it.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

namespace ctp::runner {

/// Watches one running task's deadline and the run's cancellation flag.
class TaskWatchdog {
 public:
  /// Starts watching; without a timeout no thread is started and the run's flag is used as is.
  TaskWatchdog(const std::atomic<bool>* run_cancelled,
               std::optional<std::chrono::milliseconds> timeout);
  /// Stops watching (joins the thread).
  ~TaskWatchdog();
  TaskWatchdog(const TaskWatchdog&) = delete;
  TaskWatchdog& operator=(const TaskWatchdog&) = delete;

  /// The flag the task checks: set once it must stop.
  const std::atomic<bool>* flag() const { return timeout_ ? &stop_ : run_cancelled_; }
  /// Whether the task must stop (its deadline passed or the run is stopping).
  bool must_stop() const { return flag() && flag()->load(); }
  /// Whether the deadline passed while the task ran.
  bool timed_out() const { return timed_out_.load(); }

 private:
  void Watch();

  const std::atomic<bool>* run_cancelled_;
  std::optional<std::chrono::milliseconds> timeout_;
  std::chrono::steady_clock::time_point deadline_;
  std::atomic<bool> stop_ = false;
  std::atomic<bool> timed_out_ = false;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool finished_ = false;
  std::thread thread_;  // last: it starts after the state it reads
};

}  // namespace ctp::runner
